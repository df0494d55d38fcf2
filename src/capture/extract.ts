// -w OUT: packets of a capture copied, unchanged, into a capture of the same
// kind. The analysis (a first reading) says which packets by their numbers;
// this second reading walks the file again, numbering its packets exactly
// as the first did, and copies the chosen records as they are: a pcap's
// global header and records byte for byte (its byte order, its micro- or
// nanosecond stamps, its link type), a pcapng's section headers, interface
// descriptions and every other block that is not a packet (name resolution,
// decryption secrets, statistics), with the chosen packet blocks, so that its
// interfaces and their timestamps stay what they were. A gzip-compressed
// capture is written uncompressed. Reading stops where the first reading
// stopped (damage, a record cut by the file's end): nothing past it was chosen.
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { MAX_RECORD, PCAP_MAGIC_NS, PCAP_MAGIC_US } from './pcap.js';
import { PcapngReader } from './pcapng.js';

/** Packet numbers (1-based), one bit each: 10 million packets take 1.25 MB. */
export class PacketSet {
  private bits = new Uint8Array(1024);
  /** how many numbers are in it */
  size = 0;

  add(n: number): void {
    const byte = n >> 3;
    if (byte >= this.bits.length) {
      const bigger = new Uint8Array(Math.max(this.bits.length * 2, byte + 1));
      bigger.set(this.bits);
      this.bits = bigger;
    }
    const bit = 1 << (n & 7);
    if ((this.bits[byte]! & bit) === 0) {
      this.bits[byte]! |= bit;
      this.size++;
    }
  }

  has(n: number): boolean {
    const byte = n >> 3;
    return byte < this.bits.length && (this.bits[byte]! & (1 << (n & 7))) !== 0;
  }
}

const PCAP_HEADER = 24;
const RECORD_HEADER = 16;

/**
 * Copies the chosen packets of the capture at `path` (gzip or not, pcap or
 * pcapng) to `write`, a piece at a time; resolves with how many were copied.
 */
export async function extractPackets(path: string, chosen: PacketSet, write: (bytes: Buffer) => void): Promise<number> {
  const file = createReadStream(path, { highWaterMark: 64 * 1024 });
  let input: Readable = file;
  const it = file[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await it.next();
  if (first.done) return 0;
  const rest = async function* (): AsyncGenerator<Buffer> {
    yield first.value;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  };
  input = Readable.from(rest());
  if (first.value.length >= 2 && first.value[0] === 0x1f && first.value[1] === 0x8b) {
    const gunzip = createGunzip();
    input.pipe(gunzip);
    input = gunzip;
  }
  // a failed write (a full disk, a closed pipe) is the caller's to tell; a damaged input ends the copy where the first reading ended
  let failed: unknown = null;
  const walker = new RecordWalker(chosen, (bytes) => {
    try {
      write(bytes);
    } catch (err) {
      failed ??= err;
      throw err;
    }
  });
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      walker.push(chunk);
      if (walker.done) break;
    }
  } catch (err) {
    if (failed !== null) throw err;
    // a damaged gzip stream: what came before it was copied, as the first reading read it
  } finally {
    file.destroy();
    input.destroy();
  }
  return walker.copied;
}

/** Walks pcap records or pcapng blocks as they come, copying the chosen. */
class RecordWalker {
  copied = 0;
  done = false;
  private kind: 'unknown' | 'pcap' | 'pcapng' = 'unknown';
  private parts: Buffer[] = [];
  private length = 0;
  private littleEndian = true;
  private snapLength = 0;
  private number = 0;
  private pcapng: PcapngReader | null = null;

  constructor(
    private readonly chosen: PacketSet,
    private readonly write: (bytes: Buffer) => void,
  ) {}

  push(chunk: Buffer): void {
    if (this.kind === 'pcapng') {
      this.pcapng!.push(chunk);
      if (this.pcapng!.done) this.done = true;
      return;
    }
    this.parts.push(chunk);
    this.length += chunk.length;
    const b = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.length);
    let at = 0;
    if (this.kind === 'unknown') {
      if (b.length < 4) return;
      const magic = b.toString('hex', 0, 4);
      if (magic === '0a0d0d0a') {
        this.kind = 'pcapng';
        this.pcapng = new PcapngReader({
          packet: () => {
            this.number++;
          },
          damaged: () => {
            this.done = true;
          },
          interfaceAdded: () => undefined,
          block: (bytes, packet) => {
            if (!packet) this.write(Buffer.from(bytes));
            else if (this.chosen.has(this.number)) {
              this.write(Buffer.from(bytes));
              this.copied++;
            }
          },
        });
        this.parts = [];
        this.length = 0;
        this.push(b);
        return;
      }
      if (b.length < PCAP_HEADER) return;
      if (magic === PCAP_MAGIC_US.le || magic === PCAP_MAGIC_NS.le) this.littleEndian = true;
      else if (magic === PCAP_MAGIC_US.be || magic === PCAP_MAGIC_NS.be) this.littleEndian = false;
      else {
        this.done = true;
        return;
      }
      this.kind = 'pcap';
      this.snapLength = this.littleEndian ? b.readUInt32LE(16) : b.readUInt32BE(16);
      this.write(Buffer.from(b.subarray(0, PCAP_HEADER)));
      at = PCAP_HEADER;
    }
    // pcap records, numbered as the first reading numbered them: each whole record, until one claims more than a record holds
    while (b.length - at >= RECORD_HEADER) {
      const captured = this.littleEndian ? b.readUInt32LE(at + 8) : b.readUInt32BE(at + 8);
      if (captured > Math.max(this.snapLength, MAX_RECORD)) {
        this.done = true;
        break;
      }
      const end = at + RECORD_HEADER + captured;
      if (b.length < end) break;
      this.number++;
      if (this.chosen.has(this.number)) {
        this.write(Buffer.from(b.subarray(at, end)));
        this.copied++;
      }
      at = end;
    }
    const left = this.done ? null : b.subarray(at);
    this.parts = left && left.length > 0 ? [Buffer.from(left)] : [];
    this.length = left ? left.length : 0;
  }
}
