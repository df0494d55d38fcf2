// Classic pcap through pcap-parser. Nanosecond files (which pcap-parser
// refuses) get the microsecond magic number in their first bytes and their
// fraction read as nanoseconds; records that claim absurd sizes stop the
// reading instead of making pcap-parser buffer the rest of the file.
import type { Readable } from 'node:stream';
import pcapParser from 'pcap-parser';
import type { RawPacket } from './packet.js';

/** Gives a nanosecond file's first bytes the microsecond magic, in place, so pcap-parser takes it. */
export function patchNanosecondMagic(head: Buffer): void {
  const le = head.toString('hex', 0, 4) === PCAP_MAGIC_NS.le;
  Buffer.from(le ? PCAP_MAGIC_US.le : PCAP_MAGIC_US.be, 'hex').copy(head, 0);
}

export const PCAP_MAGIC_US = { le: 'd4c3b2a1', be: 'a1b2c3d4' } as const;
export const PCAP_MAGIC_NS = { le: '4d3cb2a1', be: 'a1b23c4d' } as const;

/** Wireshark's largest packet for ordinary link types; a bigger record is damage. */
export const MAX_RECORD = 262144;

export interface PcapEvents {
  header(linkType: number, snapLength: number): void;
  packet(p: Omit<RawPacket, 'number'>): void;
  /** the rest of the file cannot be read; everything before it was delivered */
  damaged(reason: string): void;
  /** the file ended inside a record */
  truncated(bytesLeft: number, inRecordBody: boolean): void;
  /** the stream failed (a read error): before any header this is fatal */
  failed(err: Error, sawHeader: boolean): void;
}

/**
 * Reads the pcap stream (its first bytes, for a nanosecond file, already
 * carry the microsecond magic number: see patchNanosecondMagic). Resolves at
 * the end, or when the file turns out damaged.
 */
export function readPcap(input: Readable, nanosecond: boolean, ev: PcapEvents, stop: () => void): Promise<void> {
  const fraction = nanosecond ? 1e9 : 1e6;
  return new Promise<void>((resolve) => {
    const parser = pcapParser.parse(input);
    let snapLength = 0;
    let sawHeader = false;
    let headers = 0;
    let packets = 0;
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      resolve();
    };
    const halt = (): void => {
      // pcap-parser checks this flag before it parses more
      (parser as unknown as { errored: boolean }).errored = true;
      stop();
      finish();
    };
    parser.on('globalHeader', (h) => {
      sawHeader = true;
      snapLength = h.snapshotLength;
      ev.header(h.linkLayerType, h.snapshotLength);
    });
    parser.on('packetHeader', (h) => {
      headers++;
      if (h.capturedLength > Math.max(snapLength, MAX_RECORD)) {
        ev.damaged(`record ${headers} claims ${h.capturedLength} captured bytes (the snapshot length is ${snapLength})`);
        halt();
      }
    });
    parser.on('packet', (p) => {
      packets++;
      ev.packet({
        ts: p.header.timestampSeconds + p.header.timestampMicroseconds / fraction,
        resolution: fraction,
        linkType: -1, // filled in by the caller from the header
        capturedLength: p.header.capturedLength,
        originalLength: p.header.originalLength,
        data: p.data,
      });
    });
    parser.on('error', (err) => {
      if (finished) return;
      ev.failed(err, sawHeader);
      halt();
    });
    parser.on('end', () => {
      if (finished) return;
      const left = parser.buffer?.length ?? 0;
      const inBody = headers > packets;
      if (sawHeader && (left > 0 || inBody)) ev.truncated(left, inBody);
      else if (!sawHeader) ev.failed(new Error(`only ${left} bytes, shorter than a pcap header`), false);
      finish();
    });
  });
}
