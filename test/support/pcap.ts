// Builders for crafted captures: pcap files, Ethernet/IPv4/IPv6/TCP packets
// and WebSocket frames, for the edge cases no implementation produces.

export interface Record {
  ts: number;
  data: Buffer;
  /** original length, when the record is cut */
  originalLength?: number;
}

export function pcapFile(records: readonly Record[], opts: { linkType?: number; bigEndian?: boolean; snaplen?: number } = {}): Buffer {
  const be = opts.bigEndian ?? false;
  const u32 = (b: Buffer, v: number, o: number): void => void (be ? b.writeUInt32BE(v, o) : b.writeUInt32LE(v, o));
  const u16 = (b: Buffer, v: number, o: number): void => void (be ? b.writeUInt16BE(v, o) : b.writeUInt16LE(v, o));
  const header = Buffer.alloc(24);
  u32(header, 0xa1b2c3d4, 0);
  u16(header, 2, 4);
  u16(header, 4, 6);
  u32(header, opts.snaplen ?? 262144, 16);
  u32(header, opts.linkType ?? 1, 20);
  const parts: Buffer[] = [header];
  for (const r of records) {
    const h = Buffer.alloc(16);
    const sec = Math.floor(r.ts);
    u32(h, sec, 0);
    u32(h, Math.round((r.ts - sec) * 1e6), 4);
    u32(h, r.data.length, 8);
    u32(h, r.originalLength ?? r.data.length, 12);
    parts.push(h, r.data);
  }
  return Buffer.concat(parts);
}

export interface TcpFields {
  src: string;
  dst: string;
  sport: number;
  dport: number;
  seq: number;
  ack: number;
  flags: string; // letters of S A F R P
  payload?: Buffer;
}

function flagByte(flags: string): number {
  let f = 0;
  if (flags.includes('F')) f |= 0x01;
  if (flags.includes('S')) f |= 0x02;
  if (flags.includes('R')) f |= 0x04;
  if (flags.includes('P')) f |= 0x08;
  if (flags.includes('A')) f |= 0x10;
  return f;
}

function tcpHeader(t: TcpFields): Buffer {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(t.sport, 0);
  h.writeUInt16BE(t.dport, 2);
  h.writeUInt32BE(t.seq >>> 0, 4);
  h.writeUInt32BE(t.ack >>> 0, 8);
  h[12] = 5 << 4;
  h[13] = flagByte(t.flags);
  h.writeUInt16BE(65535, 14);
  return h;
}

function ipv4Bytes(a: string): Buffer {
  return Buffer.from(a.split('.').map(Number));
}

export function ipv4Tcp(t: TcpFields): Buffer {
  const payload = t.payload ?? Buffer.alloc(0);
  const tcp = Buffer.concat([tcpHeader(t), payload]);
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + tcp.length, 2);
  ip[8] = 64;
  ip[9] = 6;
  ipv4Bytes(t.src).copy(ip, 12);
  ipv4Bytes(t.dst).copy(ip, 16);
  return Buffer.concat([ip, tcp]);
}

export function ethernet(payload: Buffer, etherType = 0x0800): Buffer {
  const h = Buffer.alloc(14);
  h.writeUInt16BE(etherType, 12);
  return Buffer.concat([h, payload]);
}

export interface FrameFields {
  fin?: boolean;
  rsv1?: boolean;
  rsv2?: boolean;
  rsv3?: boolean;
  opcode: number;
  mask?: Buffer | null;
  payload?: Buffer;
  /** force the 16- or 64-bit length form */
  lengthForm?: 7 | 16 | 64;
}

export function wsFrame(f: FrameFields): Buffer {
  const payload = f.payload ?? Buffer.alloc(0);
  const len = payload.length;
  const form = f.lengthForm ?? (len < 126 ? 7 : len < 65536 ? 16 : 64);
  const b0 = (f.fin === false ? 0 : 0x80) | (f.rsv1 ? 0x40 : 0) | (f.rsv2 ? 0x20 : 0) | (f.rsv3 ? 0x10 : 0) | f.opcode;
  const maskBit = f.mask ? 0x80 : 0;
  let head: Buffer;
  if (form === 7) head = Buffer.from([b0, maskBit | len]);
  else if (form === 16) {
    head = Buffer.from([b0, maskBit | 126, 0, 0]);
    head.writeUInt16BE(len, 2);
  } else {
    head = Buffer.alloc(10);
    head[0] = b0;
    head[1] = maskBit | 127;
    head.writeBigUInt64BE(BigInt(len), 2);
  }
  if (!f.mask) return Buffer.concat([head, payload]);
  const masked = Buffer.from(payload);
  for (let i = 0; i < masked.length; i++) masked[i] = masked[i]! ^ f.mask[i & 3]!;
  return Buffer.concat([head, f.mask, masked]);
}

/**
 * A TCP conversation between a client and a server over Ethernet/IPv4, with
 * sequence numbers kept for each side. Each call adds one packet.
 */
export class Conversation {
  readonly records: Record[] = [];
  private seq = { client: 1000, server: 5000 };
  private ts = 1700000000;

  constructor(
    readonly client = { ip: '10.0.0.1', port: 40000 },
    readonly server = { ip: '10.0.0.2', port: 8080 },
  ) {}

  private packet(from: 'client' | 'server', flags: string, payload: Buffer = Buffer.alloc(0), seqOverride?: number): this {
    const to = from === 'client' ? 'server' : 'client';
    const a = this[from];
    const b = this[to];
    this.ts += 0.001;
    this.records.push({
      ts: this.ts,
      data: ethernet(ipv4Tcp({ src: a.ip, dst: b.ip, sport: a.port, dport: b.port, seq: seqOverride ?? this.seq[from], ack: this.seq[to], flags, payload })),
    });
    if (seqOverride === undefined) this.seq[from] = (this.seq[from] + payload.length + (flags.includes('S') || flags.includes('F') ? 1 : 0)) >>> 0;
    return this;
  }

  handshake(): this {
    return this.packet('client', 'S').packet('server', 'SA').packet('client', 'A');
  }

  send(from: 'client' | 'server', payload: Buffer | string): this {
    return this.packet(from, 'PA', typeof payload === 'string' ? Buffer.from(payload, 'latin1') : payload);
  }

  /** A segment sent again with the sequence number it had `back` bytes ago. */
  resend(from: 'client' | 'server', payload: Buffer, back: number): this {
    return this.packet(from, 'PA', payload, (this.seq[from] - back) >>> 0);
  }

  ack(from: 'client' | 'server'): this {
    return this.packet(from, 'A');
  }

  fin(from: 'client' | 'server'): this {
    return this.packet(from, 'FA');
  }

  rst(from: 'client' | 'server'): this {
    return this.packet(from, 'R');
  }

  setSeq(from: 'client' | 'server', seq: number): this {
    this.seq[from] = seq >>> 0;
    return this;
  }

  pcap(): Buffer {
    return pcapFile(this.records);
  }
}

export const RFC_KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
export const RFC_ACCEPT = 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=';

export function upgradeRequest(extra: readonly string[] = [], opts: { method?: string; version?: string; omit?: readonly string[] } = {}): string {
  const lines = [
    `${opts.method ?? 'GET'} /chat ${opts.version ?? 'HTTP/1.1'}`,
    'Host: server.example.com',
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${RFC_KEY}`,
    'Sec-WebSocket-Version: 13',
  ].filter((l) => !(opts.omit ?? []).some((o) => l.toLowerCase().startsWith(o.toLowerCase())));
  return `${[...lines, ...extra].join('\r\n')}\r\n\r\n`;
}

export function upgradeResponse(extra: readonly string[] = [], opts: { status?: string; accept?: string | null; omit?: readonly string[] } = {}): string {
  const lines = [
    `HTTP/1.1 ${opts.status ?? '101 Switching Protocols'}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    ...(opts.accept === null ? [] : [`Sec-WebSocket-Accept: ${opts.accept ?? RFC_ACCEPT}`]),
  ].filter((l) => !(opts.omit ?? []).some((o) => l.toLowerCase().startsWith(o.toLowerCase())));
  return `${[...lines, ...extra].join('\r\n')}\r\n\r\n`;
}

export const MASK = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);

/**
 * Splits an Ethernet/IPv4 frame into IPv4 fragments carrying at most `size`
 * payload bytes each (a multiple of 8), as a router would.
 */
export function fragmentIpv4(frame: Buffer, size: number, id = 0x4242): Buffer[] {
  const eth = frame.subarray(0, 14);
  const ip = frame.subarray(14);
  const ihl = (ip[0]! & 0x0f) * 4;
  const payload = ip.subarray(ihl, ip.readUInt16BE(2));
  const out: Buffer[] = [];
  for (let off = 0; off < payload.length; off += size) {
    const piece = payload.subarray(off, off + size);
    const header = Buffer.from(ip.subarray(0, ihl));
    header.writeUInt16BE(ihl + piece.length, 2);
    header.writeUInt16BE(id, 4);
    header.writeUInt16BE((off + size < payload.length ? 0x2000 : 0) | (off / 8), 6);
    out.push(Buffer.concat([eth, header, piece]));
  }
  return out;
}
