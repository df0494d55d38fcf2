// A pcapng writer for crafted tests: sections in either byte order,
// interfaces with their own resolutions, and every packet block kind.

function pad4(b: Buffer): Buffer {
  const extra = (4 - (b.length % 4)) % 4;
  return extra === 0 ? b : Buffer.concat([b, Buffer.alloc(extra)]);
}

export class PcapngWriter {
  private readonly parts: Buffer[] = [];
  private le = true;

  private u32(v: number): Buffer {
    const b = Buffer.alloc(4);
    if (this.le) b.writeUInt32LE(v >>> 0);
    else b.writeUInt32BE(v >>> 0);
    return b;
  }

  private u16(v: number): Buffer {
    const b = Buffer.alloc(2);
    if (this.le) b.writeUInt16LE(v);
    else b.writeUInt16BE(v);
    return b;
  }

  private option(code: number, value: Buffer): Buffer {
    return Buffer.concat([this.u16(code), this.u16(value.length), pad4(value)]);
  }

  block(type: number, body: Buffer): this {
    const padded = pad4(body);
    const len = 12 + padded.length;
    this.parts.push(Buffer.concat([this.u32(type), this.u32(len), padded, this.u32(len)]));
    return this;
  }

  section(littleEndian = true): this {
    this.le = littleEndian;
    const body = Buffer.concat([this.u32(0x1a2b3c4d), this.u16(1), this.u16(0), Buffer.alloc(8, 0xff)]);
    return this.block(0x0a0d0d0a, body);
  }

  iface(linkType: number, opts: { snaplen?: number; tsresol?: number; tsoffset?: bigint } = {}): this {
    const options: Buffer[] = [];
    if (opts.tsresol !== undefined) options.push(this.option(9, Buffer.from([opts.tsresol])));
    if (opts.tsoffset !== undefined) {
      const v = Buffer.alloc(8);
      if (this.le) v.writeBigInt64LE(opts.tsoffset);
      else v.writeBigInt64BE(opts.tsoffset);
      options.push(this.option(14, v));
    }
    options.push(this.option(2, Buffer.from('eth0'))); // if_name, to be skipped
    if (options.length > 0) options.push(Buffer.alloc(4)); // opt_endofopt
    return this.block(1, Buffer.concat([this.u16(linkType), this.u16(0), this.u32(opts.snaplen ?? 262144), ...options]));
  }

  /** Enhanced Packet Block; `units` is the timestamp in the interface's resolution. */
  packet(iface: number, units: bigint, data: Buffer, originalLength = data.length): this {
    const high = Number(units >> 32n);
    const low = Number(units & 0xffffffffn);
    return this.block(6, Buffer.concat([this.u32(iface), this.u32(high), this.u32(low), this.u32(data.length), this.u32(originalLength), pad4(data)]));
  }

  simple(data: Buffer, originalLength = data.length): this {
    return this.block(3, Buffer.concat([this.u32(originalLength), pad4(data)]));
  }

  obsolete(iface: number, units: bigint, data: Buffer): this {
    const high = Number(units >> 32n);
    const low = Number(units & 0xffffffffn);
    return this.block(2, Buffer.concat([this.u16(iface), this.u16(0), this.u32(high), this.u32(low), this.u32(data.length), this.u32(data.length), pad4(data)]));
  }

  raw(b: Buffer): this {
    this.parts.push(b);
    return this;
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}
