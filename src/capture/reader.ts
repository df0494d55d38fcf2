// Capture reading: opens a file (or standard input, or a stream), tells its
// format from its first bytes — never from its name — unwraps gzip, and hands
// numbered raw packets on one at a time, as they are read. Nothing is kept
// after a packet is handed on.
import { told } from '../text/diagnostics.js';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { CaptureFormat, Diagnostic } from '../model.js';
import type { RawPacket } from './packet.js';
import { patchNanosecondMagic, PCAP_MAGIC_NS, PCAP_MAGIC_US, readPcap } from './pcap.js';
import { PcapngReader } from './pcapng.js';

export type { RawPacket } from './packet.js';

export interface CaptureMeta {
  format: CaptureFormat;
  /** gzip-compressed on disk */
  compressed: boolean;
  linkTypes: number[];
  packets: number;
  bytes: number;
  diagnostics: Diagnostic[];
  /** the reading was stopped (ReadHooks.interrupted) before the capture ended: it holds what came until then */
  interrupted: boolean;
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

const PCAPNG_MAGIC = '0a0d0d0a';
const GZIP_MAGIC = '1f8b';

function describeMagic(bytes: Buffer): string {
  if (bytes.length < 4) return `not a capture file (only ${bytes.length} bytes)`;
  return `not a pcap or pcapng capture (it starts with 0x${bytes.toString('hex', 0, 4)})`;
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
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EFBIG':
      return 'file too large (over the file size limit)';
    default:
      return err.message;
  }
}


type Chunks = AsyncIterator<Buffer>;

/** Takes at least `n` bytes from the front of a chunk iterator (fewer at its end). */
async function takeHead(it: Chunks, n: number): Promise<{ head: Buffer; ended: boolean }> {
  const chunks: Buffer[] = [];
  let length = 0;
  while (length < n) {
    const r = await it.next();
    if (r.done) return { head: Buffer.concat(chunks, length), ended: true };
    chunks.push(r.value);
    length += r.value.length;
  }
  return { head: Buffer.concat(chunks, length), ended: false };
}

/**
 * The same chunks, telling how many bytes were read, waiting when asked to,
 * and ending when interrupted (`meta.interrupted` says it was, unless the
 * chunks had already ended by themselves).
 */
function counted(it: Chunks, hooks: ReadHooks, meta: CaptureMeta): Chunks {
  const { onBytes, beforeChunk, interrupted } = hooks;
  if (!onBytes && !beforeChunk && !interrupted) return it;
  let total = 0;
  let stopped = false;
  let ended = false;
  const end: IteratorResult<Buffer> = { done: true, value: undefined };
  // the read under way, if any: the interruption settles it. (Not Promise.race with the interruption:
  // each race would leave a reaction on it, holding its chunk, until the end of the capture.)
  let waiting: ((r: IteratorResult<Buffer>) => void) | null = null;
  const stop = interrupted?.then(() => {
    stopped = true;
    if (!ended) meta.interrupted = true;
    waiting?.(end);
  });
  return {
    next: async () => {
      if (stopped || ended) return end;
      await beforeChunk?.();
      // a read that waits for more input (a live pipe) gives way to the interruption
      const r = stop
        ? await new Promise<IteratorResult<Buffer>>((resolve, reject) => {
            waiting = resolve;
            it.next().then(resolve, reject);
          })
        : await it.next();
      waiting = null;
      if (stopped) return end;
      if (r.done && stop) {
        // Ctrl-C in a terminal reaches both ends of `tcpdump | wsdissect -`: the end of the pipe and the
        // interruption come together, in either order. An interruption already waiting to be handled
        // (it is, one turn of the event loop later) is the one that ended the capture.
        await new Promise((resolve) => setImmediate(resolve));
        if (stopped) return end;
      }
      if (r.done) ended = true;
      else onBytes?.((total += r.value.length));
      return r;
    },
  };
}

/** The head, then the rest of the chunks: the bytes as they were, as a stream again. */
async function* prepend(head: Buffer, rest: Chunks): AsyncGenerator<Buffer> {
  if (head.length > 0) yield head;
  for (;;) {
    const r = await rest.next();
    if (r.done) return;
    yield r.value;
  }
}

async function open(source: string | Readable, name: string): Promise<Readable> {
  if (typeof source !== 'string') return source;
  if (source === '-') return process.stdin;
  try {
    const st = await stat(source);
    if (st.isDirectory()) throw new CaptureError(name, 'is a directory, not a capture file');
    if (st.size === 0) throw new CaptureError(name, 'empty file');
  } catch (err) {
    if (err instanceof CaptureError) throw err;
    throw new CaptureError(name, errnoReason(err as NodeJS.ErrnoException));
  }
  // 64 KiB a read: a short slice of a chunk that the analysis keeps a while (a frame's payload, bytes held across segments) keeps
  // the whole chunk alive, so smaller chunks keep less (on one long compressed connection, --summary's peak goes from 225 to
  // about 110 MB against 256 KiB chunks, at the same speed); a pipe gives 64 KiB too
  return createReadStream(source, { highWaterMark: 64 * 1024 });
}

/**
 * Reads a capture — classic pcap (either byte order, micro- or nanosecond),
 * pcapng, or either of them gzip-compressed — and calls onPacket for every
 * packet, in order. `source` is a path, '-' for standard input, or a stream.
 * Resolves with what was learned about the capture; a damaged or truncated
 * file yields everything before the damage and a diagnostic. Rejects with
 * CaptureError only when nothing could be read at all.
 */
export interface ReadHooks {
  /** bytes of the file read so far (for a progress line) */
  onBytes?: (bytesRead: number) => void;
  /** awaited before each chunk is read: lets a slow consumer of the output hold the reading back */
  beforeChunk?: () => Promise<void> | void;
  /** settles when reading is to stop (Ctrl-C on a live capture): the capture ends there, as a file that ends */
  interrupted?: Promise<void>;
  /** a TLS key log the capture carries (a pcapng Decryption Secrets Block), before the packets it opens */
  tlsKeyLog?: (text: string) => void;
}

export async function readCapture(source: string | Readable, name: string, onPacket: (packet: RawPacket) => void, hooks: ReadHooks = {}): Promise<CaptureMeta> {
  const file = await open(source, name);
  const streams: Readable[] = [file];
  const stop = (): void => {
    for (const s of streams) s.destroy();
  };
  const meta: CaptureMeta = { format: 'pcap', compressed: false, linkTypes: [], packets: 0, bytes: 0, diagnostics: [], interrupted: false };
  const deliver = (p: Omit<RawPacket, 'number'>): void => {
    meta.packets++;
    meta.bytes += p.capturedLength;
    const numbered = p as RawPacket;
    numbered.number = meta.packets;
    onPacket(numbered);
  };

  let chunks: Chunks = counted(file[Symbol.asyncIterator]() as Chunks, hooks, meta);
  let taken: { head: Buffer; ended: boolean };
  try {
    taken = await takeHead(chunks, 4);
    if (taken.head.length === 0) throw new CaptureError(name, meta.interrupted ? 'interrupted before anything was read' : 'empty file');
    if (taken.head.toString('hex', 0, 2) === GZIP_MAGIC) {
      meta.compressed = true;
      const gunzip = createGunzip();
      const compressed = Readable.from(prepend(taken.head, chunks));
      compressed.on('error', (err) => gunzip.destroy(err));
      compressed.pipe(gunzip);
      streams.push(compressed, gunzip);
      chunks = gunzip[Symbol.asyncIterator]() as Chunks;
      taken = await takeHead(chunks, 4);
      if (taken.head.length === 0) throw new CaptureError(name, 'a gzip file with nothing inside');
    }
  } catch (err) {
    stop();
    if (err instanceof CaptureError) throw err;
    const e = err as NodeJS.ErrnoException;
    throw new CaptureError(name, e.code?.startsWith('Z_') ? `a damaged gzip file (${e.message})` : errnoReason(e));
  }

  const { head, ended } = taken;
  const magic = head.toString('hex', 0, 4);
  const problem = (reason: string): void => {
    meta.diagnostics.push(told({ code: 'capture.damaged', compressed: meta.compressed, after: meta.packets, reason }));
  };

  // damage before the first packet leaves nothing to analyse: that is an unreadable file
  // (README: "A file damaged before its first packet is unreadable"), and so is one cut inside its first record
  const nothingRead = (): void => {
    if (meta.packets !== 0) return;
    const damage = meta.diagnostics.find((d) => d.code === 'capture.damaged');
    if (damage) throw new CaptureError(name, damage.message.replace(/^the (compressed )?file is damaged after packet 0: /, '').replace(/; everything before it was read$/, ''));
    const cut = meta.diagnostics.find((d) => d.code === 'capture.truncated-file');
    if (cut) throw new CaptureError(name, `${meta.compressed ? 'the compressed file' : 'the file'} ends before its first packet is whole: no packet could be read`);
  };

  if (magic === PCAP_MAGIC_US.le || magic === PCAP_MAGIC_US.be || magic === PCAP_MAGIC_NS.le || magic === PCAP_MAGIC_NS.be) {
    const nanosecond = magic === PCAP_MAGIC_NS.le || magic === PCAP_MAGIC_NS.be;
    meta.format = nanosecond ? 'pcap-ns' : 'pcap';
    let linkType = -1;
    let fatal: CaptureError | null = null;
    if (ended) {
      stop();
      throw new CaptureError(name, `not a pcap capture (only ${head.length} bytes, shorter than a pcap header)`);
    }
    if (nanosecond) patchNanosecondMagic(head);
    const stream = Readable.from(prepend(head, chunks));
    streams.push(stream);
    await readPcap(
      stream,
      nanosecond,
      {
        header: (lt) => {
          linkType = lt;
          meta.linkTypes.push(lt);
        },
        packet: (p) => {
          p.linkType = linkType;
          deliver(p);
        },
        damaged: problem,
        truncated: (left, inBody) => {
          // reading stopped (Ctrl-C) inside a record: the file goes on, it is not cut
          if (meta.interrupted) return;
          const what = !inBody && left < 16 ? 'a record header' : 'a packet record';
          meta.diagnostics.push(told({ code: 'capture.truncated-file', after: meta.packets, inside: { what, left } }));
        },
        failed: (err, sawHeader) => {
          const e = err as NodeJS.ErrnoException;
          const reason = e.code?.startsWith('Z_') ? `the gzip stream is damaged (${e.message})` : e.code ? errnoReason(e) : e.message;
          if (!sawHeader) fatal = new CaptureError(name, reason.startsWith('only') ? `not a pcap capture (${reason})` : reason);
          else if (e.code === 'Z_BUF_ERROR') meta.diagnostics.push(told({ code: 'capture.truncated-file', after: meta.packets, inside: null }));
          else problem(reason);
        },
      },
      stop,
    );
    if (fatal) throw fatal;
    nothingRead();
    return meta;
  }

  if (magic === PCAPNG_MAGIC) {
    meta.format = 'pcapng';
    const reader = new PcapngReader({
      packet: deliver,
      damaged: problem,
      interfaceAdded: (lt) => {
        if (!meta.linkTypes.includes(lt)) meta.linkTypes.push(lt);
      },
      ...(hooks.tlsKeyLog ? { tlsKeyLog: hooks.tlsKeyLog } : {}),
    });
    reader.push(head);
    try {
      while (!reader.done) {
        const r = await chunks.next();
        if (r.done) break;
        reader.push(r.value);
      }
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'Z_BUF_ERROR') meta.diagnostics.push(told({ code: 'capture.truncated-file', after: meta.packets, inside: null }));
      else problem(e.code?.startsWith('Z_') ? `the gzip stream is damaged (${e.message})` : errnoReason(e));
    }
    stop();
    // reading stopped (Ctrl-C) inside a block: the file goes on, it is not cut
    if (reader.leftover > 0 && !meta.interrupted) {
      meta.diagnostics.push(told({ code: 'capture.truncated-file', after: meta.packets, inside: { what: 'a block', left: reader.leftover } }));
    }
    nothingRead();
    return meta;
  }

  stop();
  throw new CaptureError(name, describeMagic(head));
}
