// A worker thread of an analysis split over threads (threads.ts): it
// analyses the connections the main thread gives it, in a LocalHost whose
// sink is its own chain (render/stack.ts), and sends back what the chain
// wrote, as byte ranges each tagged with the operation that wrote it.
import { parentPort, workerData } from 'node:worker_threads';
import { decodeTcp } from '../tcp/segment.js';
import type { Dir } from '../tcp/connection.js';
import { chain, chainShared, threadedSink } from '../render/stack.js';
import { type HostedFlow, type HostOptions, LocalHost, withKeyLog } from './host.js';
import { OP, OP_HEADER, type WorkerInit, type WorkerReply, type WorkerRequest } from './threads.js';

const init = workerData as WorkerInit;
const port = parentPort!;

/** what the chain writes, until the batch is answered */
let out = Buffer.from(new ArrayBuffer(init.outBlock));
let used = 0;

function room(n: number): void {
  if (used + n <= out.length) return;
  const bigger = Buffer.from(new ArrayBuffer(Math.max(out.length * 2, used + n)));
  out.copy(bigger, 0, 0, used);
  out = bigger;
}

const write = (text: string): void => {
  // a UTF-16 code unit takes at most 3 bytes in UTF-8
  room(text.length * 3);
  used += out.write(text, used);
};

const sinks = chain(threadedSink(init.view, write), { selection: init.selection, ignore: new Set(init.ignore), failOn: init.failOn });
let firstTs = 0;
let resolution = 1;
// as the analyzer's: seconds since the capture's first packet, to its precision, at most the microsecond
const relTs = (ts: number): number => {
  const units = Math.min(resolution, 1e6);
  return Math.round((ts - firstTs) * units) / units;
};
const host = new LocalHost(sinks.top, init.globalReassemblyHold, relTs);
let options: HostOptions = init.options;
const flows = new Map<number, HostedFlow>();

function batch(buf: ArrayBuffer): void {
  const u32 = new Uint32Array(buf);
  const f64 = new Float64Array(buf);
  const bytes = Buffer.from(buf);
  const end = u32[0]!;
  const ranges: number[] = [];
  let g = -1;
  for (let o = 16; o < end; ) {
    const kind = u32[o >> 2]!;
    const id = u32[(o >> 2) + 1]!;
    g = f64[(o >> 3) + 1]!;
    const len = u32[(o >> 2) + 10]!;
    resolution = f64[(o >> 3) + 6]!;
    const at = o + OP_HEADER;
    const before = used;
    host.clock = g;
    if (kind === OP.packet) {
      const flow = flows.get(id)!;
      const seg = decodeTcp(bytes, at, at + len);
      const pkt = { number: u32[(o >> 2) + 8]!, ts: f64[(o >> 3) + 2]!, relTs: f64[(o >> 3) + 3]! };
      // the analyzer sends only segments it could decode
      if (seg) host.packet(flow, pkt, u32[(o >> 2) + 11]! as Dir, seg, bytes, at, at + len, u32[(o >> 2) + 9]!);
    } else if (kind === OP.open) {
      const o2 = JSON.parse(bytes.toString('utf8', at, at + len)) as { first: { ip: string; port: number }; second: { ip: string; port: number }; firstTs: number };
      firstTs = o2.firstTs;
      const flow: HostedFlow = { id, slot: null };
      flows.set(id, flow);
      host.open(flow, o2.first, o2.second, options);
    } else if (kind === OP.report) {
      const flow = flows.get(id)!;
      flows.delete(id);
      host.report(flow);
    } else if (kind === OP.keyLog) {
      const k = JSON.parse(bytes.toString('utf8', at, at + len)) as { text: string; source: string };
      options = withKeyLog(options, k.text, k.source);
    }
    if (used > before) ranges.push(g, before, used);
    o = at + ((len + 7) & ~7);
  }
  // the output goes to the main thread (moved, not copied), the batch back to be filled again
  const written = ranges.length > 0 ? (out.buffer as ArrayBuffer) : null;
  const reply: WorkerReply = { kind: 'batch', out: written, ranges, done: g, input: buf };
  if (written) out = Buffer.from(new ArrayBuffer(init.outBlock));
  used = 0;
  port.postMessage(reply, written ? [buf, written] : [buf]);
}

port.on('message', (m: WorkerRequest) => {
  if (m.kind === 'batch') batch(m.buf);
  else
    void host.finish().then((totals) => {
      const reply: WorkerReply = { kind: 'end', summary: totals.summary, diagnostics: totals.diagnostics, shared: chainShared(sinks) };
      port.postMessage(reply);
    });
});
