// --export-messages DIR: every message of the selected connections written
// to a file of its own, as the application received it (inflated when it
// was compressed), with a manifest. Beside whatever the command prints: the
// exporter rides along with the view (TeeSink), taking messages one by one
// from a streaming view (--summary, --ndjson) and from each connection's
// list when the view takes whole connections.
//
// Names are made of numbers and our own words only —
// c0003-m000012-client-text.txt: the connection, the message's index, its
// sender and type — never of anything the capture holds, so no name can
// leave DIR or surprise a shell. A compressed message that could not be
// inflated keeps its wire bytes in a .deflate file, and the manifest says so.
// The manifest (manifest.ndjson) has a line per file, written as it goes:
// the file, connection, message, from, type, opcode, length on the wire,
// size written, compressed, inflated, complete, packet, ts and SHA-256.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, rmdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { capturedWhole, type AnalysisSink, type CaptureInfo, type Connection, type Diagnostic, type Frame, type Message, type Summary } from '../model.js';

export const MANIFEST = 'manifest.ndjson';

/** A message's file name: numbers and fixed words only. */
export function messageFileName(connection: number, m: Pick<Message, 'index' | 'from' | 'type' | 'compressed' | 'inflatedLength'>, stream: number | null = null): string {
  const raw = m.compressed && m.inflatedLength === null;
  const ext = raw ? 'deflate' : m.type === 'text' ? 'txt' : 'bin';
  // a WebSocket an HTTP/2 stream carried (RFC 8441): its stream after its connection
  return `c${String(connection).padStart(4, '0')}${stream === null ? '' : `-s${stream}`}-m${String(m.index).padStart(6, '0')}-${m.from}-${m.type}.${ext}`;
}

/**
 * Makes DIR (and its parents) or takes it when it is empty; a directory that
 * holds anything is refused, so that an export never mixes with, or
 * overwrites, another. Throws with the reason, in words.
 */
export function prepareExportDir(dir: string): { created: string[] } {
  // each missing directory made in turn, from the top (not mkdirSync's recursive form, which loops forever where
  // a file system answers ENOENT to every mkdir, /proc's); the ones made are removed again when the command fails
  const created: string[] = [];
  const missing: string[] = [];
  for (let d = resolve(dir); !existsSync(d); d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing) {
    try {
      mkdirSync(d);
      created.push(d);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      removeCreated(created);
      throw new Error(`--export-messages ${dir}: ${e.code === 'EEXIST' || e.code === 'ENOTDIR' ? 'not a directory' : e.code === 'EACCES' || e.code === 'EPERM' ? 'permission denied' : e.code === 'ENOENT' ? `cannot make ${d}` : e.message}`);
    }
  }
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    removeCreated(created);
    throw new Error(`--export-messages ${dir}: ${e.code === 'ENOTDIR' ? 'not a directory' : e.message}`);
  }
  if (entries.length > 0) throw new Error(`--export-messages ${dir}: not empty (it writes into a new or empty directory)`);
  return { created };
}

/** The directories prepareExportDir made, removed (deepest first) while empty. */
export function removeCreated(created: readonly string[]): void {
  for (const d of [...created].reverse()) {
    try {
      rmdirSync(d);
    } catch {
      // not empty, or gone: left as it is
    }
  }
}

export class MessageExporter {
  /** messages written */
  count = 0;
  /** the first write that failed: the export stops there (the view goes on), and the command says so */
  failed: Error | null = null;
  private manifest: number | null = null;

  constructor(private readonly dir: string) {}

  /** A message to its file, and its line to the manifest. */
  write(connection: number, m: Message, stream: number | null = null): void {
    if (this.failed !== null) return;
    const name = messageFileName(connection, m, stream);
    const path = join(this.dir, name);
    try {
      writeFileSync(path, m.payload);
      this.manifest ??= openSync(join(this.dir, MANIFEST), 'w');
      const line = {
        file: name,
        connection,
        ...(stream !== null ? { stream } : {}),
        message: m.index,
        from: m.from,
        type: m.type,
        opcode: m.opcode,
        length: m.lengthText ?? m.length,
        size: m.payload.length,
        compressed: m.compressed,
        inflated: m.inflatedLength !== null,
        complete: capturedWhole(m),
        packet: m.packet,
        ts: m.ts,
        sha256: createHash('sha256').update(m.payload).digest('hex'),
      };
      writeSync(this.manifest, `${JSON.stringify(line)}\n`);
      this.count++;
    } catch (err) {
      this.failed = new Error(`${path}: ${(err as Error).message}`);
    }
  }

  /** The command failed before anything was exported: the manifest goes (the directory, if made here, with it). */
  discard(created: readonly string[]): void {
    this.close();
    if (this.count > 0) return;
    rmSync(join(this.dir, MANIFEST), { force: true });
    removeCreated(created);
  }

  private closed = false;

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.manifest === null) {
      // no message: an empty manifest says the export ran
      if (this.failed === null) {
        try {
          writeFileSync(join(this.dir, MANIFEST), '');
        } catch (err) {
          this.failed = new Error(`${join(this.dir, MANIFEST)}: ${(err as Error).message}`);
        }
      }
      return;
    }
    closeSync(this.manifest);
    this.manifest = null;
  }
}

/**
 * The view and the exporter side by side: everything goes to the view as it
 * would alone; the exporter takes the messages, one by one when the view
 * streams, else from each connection's list (selected as the view's is).
 */
export class TeeSink implements AnalysisSink {
  readonly streaming: boolean;

  constructor(
    private readonly view: AnalysisSink,
    private readonly exporter: MessageExporter,
  ) {
    this.streaming = view.streaming === true;
  }

  frame(connection: number, frame: Frame, context: { messageType: 'text' | 'binary' | null; compressed: boolean }, stream: number | null = null): void {
    this.view.frame?.(connection, frame, context, stream);
  }

  message(connection: number, message: Message, stream: number | null = null): void {
    if (this.streaming) this.exporter.write(connection, message, stream);
    this.view.message?.(connection, message, stream);
  }

  diagnostic(connection: number, d: Diagnostic, stream: number | null = null): void {
    this.view.diagnostic?.(connection, d, stream);
  }

  connection(conn: Connection): void {
    if (!this.streaming) for (const m of conn.messages) this.exporter.write(conn.id, m, conn.stream);
    this.view.connection(conn);
  }

  end(capture: CaptureInfo, summary: Summary, diagnostics: Diagnostic[]): void {
    this.exporter.close();
    this.view.end(capture, summary, diagnostics);
  }
}
