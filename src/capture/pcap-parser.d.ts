// Type declarations for pcap-parser 0.2.1, which ships none.
declare module 'pcap-parser' {
  import type { EventEmitter } from 'node:events';
  import type { Readable } from 'node:stream';

  export interface GlobalHeader {
    magicNumber: number;
    majorVersion: number;
    minorVersion: number;
    gmtOffset: number;
    timestampAccuracy: number;
    snapshotLength: number;
    linkLayerType: number;
  }

  export interface PacketHeader {
    timestampSeconds: number;
    timestampMicroseconds: number;
    capturedLength: number;
    originalLength: number;
  }

  export interface Packet {
    header: PacketHeader;
    data: Buffer;
  }

  export interface Parser extends EventEmitter {
    /** bytes received but not yet consumed by a complete record */
    buffer: Buffer | null;
    endianness: 'BE' | 'LE' | null;
    stream: Readable;
    on(event: 'globalHeader', listener: (header: GlobalHeader) => void): this;
    on(event: 'packetHeader', listener: (header: PacketHeader) => void): this;
    on(event: 'packet', listener: (packet: Packet) => void): this;
    on(event: 'end', listener: () => void): this;
    on(event: 'error', listener: (err: Error) => void): this;
  }

  export function parse(input: string | Readable): Parser;
  const _default: { parse: typeof parse };
  export default _default;
}
