// Capture reading: turns a pcap file (or stream) into numbered raw packets,
// one at a time, as they are read. Nothing is kept after a packet is handed on.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import pcapParser from 'pcap-parser';
import type { CaptureFormat, Diagnostic } from '../model.js';

export interface RawPacket {
  /** 1-based, in file order (Wireshark's frame.number) */
  number: number;
  /** seconds since the epoch */
  ts: number;
  linkType: number;
  capturedLength: number;
  originalLength: number;
  data: Buffer;
}

export interface CaptureMeta {
  format: CaptureFormat;
  linkTypes: number[];
  snapshotLength: number;
  packets: number;
  bytes: number;
  diagnostics: Diagnostic[];
}

/** A capture that cannot be read at all: reported as one line, exit status 2. */
export class CaptureError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'CaptureError';
  }
}

const RECORD_HEADER_LENGTH = 16;

function describeMagic(magic: string): string {
  if (magic === '0a0d0d0a') return 'a pcapng capture, which this version cannot read yet (convert it with: editcap -F pcap IN OUT)';
  if (magic === 'a1b23c4d' || magic === '4d3cb2a1') return 'a nanosecond pcap capture, which this version cannot read yet (convert it with: editcap -F pcap IN OUT)';
  return `not a pcap capture (magic number 0x${magic || 'none'})`;
}

/** A person's words for a system error opening or reading the file. */
export function errnoReason(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'is a directory, not a capture file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return err.message;
  }
}

/**
 * Reads a classic pcap capture and calls onPacket for every record, in order.
 * `source` is a path, or '-' for standard input, or a readable stream.
 * Resolves with what was learned about the capture; rejects with CaptureError
 * only when nothing could be read (missing file, not a capture).
 */
export async function readCapture(
  source: string | Readable,
  name: string,
  onPacket: (packet: RawPacket) => void,
): Promise<CaptureMeta> {
  let input: Readable;
  if (typeof source === 'string') {
    if (source === '-') {
      input = process.stdin;
    } else {
      try {
        const st = await stat(source);
        if (st.isDirectory()) throw new CaptureError(name, 'is a directory, not a capture file');
        if (st.size === 0) throw new CaptureError(name, 'empty file');
      } catch (err) {
        if (err instanceof CaptureError) throw err;
        throw new CaptureError(name, errnoReason(err as NodeJS.ErrnoException));
      }
      input = createReadStream(source);
    }
  } else {
    input = source;
  }

  return new Promise<CaptureMeta>((resolve, reject) => {
    const parser = pcapParser.parse(input);
    const meta: CaptureMeta = {
      format: 'pcap',
      linkTypes: [],
      snapshotLength: 0,
      packets: 0,
      bytes: 0,
      diagnostics: [],
    };
    let linkType = -1;
    let sawHeader = false;
    let settled = false;
    let recordHeaders = 0;

    const finish = (err?: CaptureError): void => {
      if (settled) return;
      settled = true;
      if (err) reject(err);
      else resolve(meta);
    };

    parser.on('globalHeader', (header) => {
      sawHeader = true;
      linkType = header.linkLayerType;
      meta.linkTypes.push(linkType);
      meta.snapshotLength = header.snapshotLength;
    });

    parser.on('packetHeader', () => {
      recordHeaders += 1;
    });

    parser.on('packet', (packet) => {
      meta.packets += 1;
      meta.bytes += packet.header.capturedLength;
      onPacket({
        number: meta.packets,
        ts: packet.header.timestampSeconds + packet.header.timestampMicroseconds / 1e6,
        linkType,
        capturedLength: packet.header.capturedLength,
        originalLength: packet.header.originalLength,
        data: packet.data,
      });
    });

    parser.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code) {
        finish(new CaptureError(name, errnoReason(err)));
        return;
      }
      const magic = /unknown magic number: ([0-9a-f]*)/.exec(err.message);
      if (magic) {
        finish(new CaptureError(name, describeMagic(magic[1] ?? '')));
        return;
      }
      finish(new CaptureError(name, err.message));
    });

    parser.on('end', () => {
      if (settled) return;
      if (!sawHeader) {
        const got = parser.buffer?.length ?? 0;
        const magic = parser.buffer && got >= 4 ? parser.buffer.toString('hex', 0, 4) : '';
        if (got === 0) finish(new CaptureError(name, 'empty file'));
        else if (magic !== '' && magic !== 'd4c3b2a1' && magic !== 'a1b2c3d4') finish(new CaptureError(name, describeMagic(magic)));
        else finish(new CaptureError(name, `not a pcap capture (only ${got} bytes, shorter than a pcap header)`));
        return;
      }
      const left = parser.buffer?.length ?? 0;
      const inBody = recordHeaders > meta.packets;
      if (left > 0 || inBody) {
        const what = !inBody && left < RECORD_HEADER_LENGTH ? 'a record header' : 'a packet record';
        meta.diagnostics.push({
          code: 'capture.truncated-file',
          severity: 'warning',
          message: `the file ends in the middle of ${what} (${left} bytes after packet ${meta.packets}); everything before it was read`,
          rfc: null,
          packet: null,
          frame: null,
          from: null,
        });
      }
      finish();
    });
  });
}
