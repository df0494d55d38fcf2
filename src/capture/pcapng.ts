// pcapng (draft-ietf-opsawg-pcapng): a small streaming reader. Bytes are
// pushed as they arrive; each packet block becomes a RawPacket at once.
// Sections may differ in byte order; interfaces have their own link types and
// timestamp resolutions. A Decryption Secrets Block's TLS key log (what
// `editcap --inject-secrets tls,keys.log` writes) is handed on. Other blocks
// are skipped by their length.
import type { RawPacket } from './packet.js';

const SHB = 0x0a0d0d0a;
const IDB = 0x00000001;
const OPB = 0x00000002; // obsolete Packet Block, still written by old tools
const SPB = 0x00000003;
const EPB = 0x00000006;
const DSB = 0x0000000a;
/** a DSB's secrets type: a TLS key log in the NSS format ("TLSK") */
const TLS_KEY_LOG = 0x544c534b;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

const OPT_END = 0;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;

/** Larger blocks are taken for damage (Wireshark's own limit is 16 MiB for a packet). */
export const MAX_BLOCK = 64 * 1024 * 1024;

interface Interface {
  linkType: number;
  snapLength: number;
  /** timestamp units per second */
  unitsPerSecond: bigint;
  offsetSeconds: number;
}

export interface PcapngEvents {
  packet(p: Omit<RawPacket, 'number'>): void;
  /** the file is damaged here: reading stops (everything before was delivered) */
  damaged(reason: string): void;
  interfaceAdded(linkType: number): void;
  /** a Decryption Secrets Block's TLS key log (NSS format), as text */
  tlsKeyLog?(text: string): void;
  /** every block read whole, as it is in the file, after what it carried was handed on; `packet`: it delivered a packet */
  block?(bytes: Buffer, packet: boolean): void;
}

export class PcapngReader {
  /** bytes received and not yet used, kept as chunks until a whole block is there */
  private parts: Buffer[] = [];
  private partsLength = 0;
  /** bytes needed before the next block can be read */
  private need = 12;
  private littleEndian = true;
  private interfaces: Interface[] = [];
  private stopped = false;
  private sawSection = false;
  /** blocks read so far, for messages */
  private blocks = 0;
  /** the block being read delivered a packet */
  private delivered = false;

  constructor(private readonly on: PcapngEvents) {}

  get done(): boolean {
    return this.stopped;
  }

  push(chunk: Buffer): void {
    if (this.stopped) return;
    this.parts.push(chunk);
    this.partsLength += chunk.length;
    if (this.partsLength < this.need) return;
    const b = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.partsLength);
    let offset = 0;
    while (!this.stopped) {
      const used = this.block(b, offset);
      if (used === 0) break;
      offset += used;
    }
    // the rest is copied so that the chunk it came in can be freed
    const rest = this.stopped || offset >= b.length ? null : Buffer.from(b.subarray(offset));
    this.parts = rest ? [rest] : [];
    this.partsLength = rest ? rest.length : 0;
  }

  /** Bytes left over at the end of the input: a block cut short. */
  get leftover(): number {
    return this.stopped ? 0 : this.partsLength;
  }

  private stop(reason: string): void {
    this.stopped = true;
    this.parts = [];
    this.partsLength = 0;
    this.on.damaged(reason);
  }

  private u32(b: Buffer, at: number): number {
    return this.littleEndian ? b.readUInt32LE(at) : b.readUInt32BE(at);
  }

  private u16(b: Buffer, at: number): number {
    return this.littleEndian ? b.readUInt16LE(at) : b.readUInt16BE(at);
  }

  /** Reads one block at `at`; returns the bytes it used, or 0 when more are needed. */
  private block(b: Buffer, at: number): number {
    this.need = 12;
    if (b.length - at < 12) return 0;
    const type = b.readUInt32LE(at); // SHB's type reads the same in both orders
    if (type === SHB) {
      const bom = b.readUInt32LE(at + 8);
      if (bom === BYTE_ORDER_MAGIC) this.littleEndian = true;
      else if (bom === 0x4d3c2b1a) this.littleEndian = false;
      else {
        this.stop(`block ${this.blocks + 1}: a section header with an unknown byte-order magic`);
        return 0;
      }
    } else if (!this.sawSection) {
      this.stop('the file does not start with a section header block');
      return 0;
    }
    const length = this.u32(b, at + 4);
    if (length < 12 || length % 4 !== 0 || length > MAX_BLOCK) {
      this.stop(`block ${this.blocks + 1} claims a length of ${length} bytes`);
      return 0;
    }
    if (b.length - at < length) {
      this.need = length;
      return 0;
    }
    if (this.u32(b, at + length - 4) !== length) {
      this.stop(`block ${this.blocks + 1}: its trailing length does not match its leading length (${length})`);
      return 0;
    }
    this.blocks++;
    const body = b.subarray(at + 8, at + length - 4);
    const blockType = this.u32(b, at);
    this.delivered = false;
    switch (blockType) {
      case SHB:
        this.sawSection = true;
        this.interfaces = []; // interface ids are per section
        break;
      case IDB:
        this.interfaceBlock(body);
        break;
      case EPB:
        this.timedPacket(body, false);
        break;
      case SPB:
        this.simplePacket(body);
        break;
      case OPB:
        this.timedPacket(body, true);
        break;
      case DSB:
        // secrets type, secrets length, the secrets (padded to 32 bits), options
        if (body.length >= 8 && this.u32(body, 0) === TLS_KEY_LOG) {
          const n = this.u32(body, 4);
          if (8 + n <= body.length) this.on.tlsKeyLog?.(body.toString('utf8', 8, 8 + n));
        }
        break;
      default:
        break; // name resolution, statistics, custom blocks…: not needed here
    }
    if (this.stopped) return 0;
    this.on.block?.(b.subarray(at, at + length), this.delivered);
    return length;
  }

  private interfaceBlock(body: Buffer): void {
    if (body.length < 8) {
      this.stop(`block ${this.blocks}: an interface description block too short to hold its fields`);
      return;
    }
    const iface: Interface = {
      linkType: this.u16(body, 0),
      snapLength: this.u32(body, 4),
      unitsPerSecond: 1_000_000n,
      offsetSeconds: 0,
    };
    this.options(body, 8, (code, value) => {
      if (code === IF_TSRESOL && value.length >= 1) {
        const r = value[0]!;
        const exp = BigInt(r & 0x7f);
        // high bit clear: a negative power of 10; set: a negative power of 2
        iface.unitsPerSecond = (r & 0x80) === 0 ? 10n ** exp : 2n ** exp;
      } else if (code === IF_TSOFFSET && value.length >= 8) {
        iface.offsetSeconds = Number(this.littleEndian ? value.readBigInt64LE(0) : value.readBigInt64BE(0));
      }
    });
    this.interfaces.push(iface);
    this.on.interfaceAdded(iface.linkType);
  }

  private options(body: Buffer, from: number, each: (code: number, value: Buffer) => void): void {
    let at = from;
    while (at + 4 <= body.length) {
      const code = this.u16(body, at);
      const len = this.u16(body, at + 2);
      if (code === OPT_END) return;
      if (at + 4 + len > body.length) return; // a damaged option list: keep what was read
      each(code, body.subarray(at + 4, at + 4 + len));
      at += 4 + len + ((4 - (len % 4)) % 4);
    }
  }

  private timestamp(iface: Interface, high: number, low: number): number {
    const units = (BigInt(high) << 32n) | BigInt(low);
    const whole = units / iface.unitsPerSecond;
    const frac = units % iface.unitsPerSecond;
    return Number(whole) + Number(frac) / Number(iface.unitsPerSecond) + iface.offsetSeconds;
  }

  private iface(id: number, what: string): Interface | null {
    const iface = this.interfaces[id];
    if (!iface) {
      this.stop(`block ${this.blocks}: ${what} names interface ${id}, which was never described`);
      return null;
    }
    return iface;
  }

  /**
   * Enhanced (EPB) and obsolete (OPB) packet blocks share one layout after
   * their interface id: timestamp high and low, captured length, original
   * length, data. The EPB's id is 32 bits; the OPB's is 16 bits, then drops.
   */
  private timedPacket(body: Buffer, obsolete: boolean): void {
    if (body.length < 20) {
      this.stop(`block ${this.blocks}: a packet block too short to hold its fields`);
      return;
    }
    const iface = this.iface(obsolete ? this.u16(body, 0) : this.u32(body, 0), 'a packet');
    if (!iface) return;
    const capturedLength = this.u32(body, 12);
    if (20 + capturedLength > body.length) {
      this.stop(`block ${this.blocks}: a packet of ${capturedLength} captured bytes does not fit in its block`);
      return;
    }
    this.delivered = true;
    this.on.packet({
      ts: this.timestamp(iface, this.u32(body, 4), this.u32(body, 8)),
      resolution: Number(iface.unitsPerSecond),
      linkType: iface.linkType,
      capturedLength,
      originalLength: this.u32(body, 16),
      data: body.subarray(20, 20 + capturedLength),
    });
  }

  private simplePacket(body: Buffer): void {
    const iface = this.iface(0, 'a simple packet block');
    if (!iface || body.length < 4) return;
    const originalLength = this.u32(body, 0);
    const room = body.length - 4;
    const capturedLength = Math.min(originalLength, room, iface.snapLength === 0 ? room : iface.snapLength);
    // a simple packet block carries no timestamp
    this.delivered = true;
    this.on.packet({ ts: 0, resolution: 1, linkType: iface.linkType, capturedLength, originalLength, data: body.subarray(4, 4 + capturedLength) });
  }
}
