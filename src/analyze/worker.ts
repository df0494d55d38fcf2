// A worker thread of an analysis split over threads (threads.ts): it
// analyses the connections the main thread gives it, in a LocalHost whose
// sink is its own chain (render/stack.ts), and sends back what the chain
// wrote, as byte ranges each tagged with the operation that wrote it.
import { parentPort, workerData } from 'node:worker_threads';
import { decodeTcp } from '../tcp/segment.js';
import { SpillFile } from '../util/list.js';
import type { Dir } from '../tcp/connection.js';
import { chain, chainShared, threadedSink } from '../render/stack.js';
import { type HostedFlow, type HostOptions, LocalHost, relativeTime, withKeyLog } from './host.js';
import { F64, MAX_PARTS, OP, OP_HEADER, RangeWriter, U32, type WorkerInit, type WorkerReply, type WorkerRequest } from './threads.js';

const init = workerData as WorkerInit;
const port = parentPort!;

/** what the chain writes, until the batch is answered */
const out = new RangeWriter();
const parts = new Int32Array(init.parts!);
// an operation that writes much (a long connection's report) hands its output on in parts, and waits
// while the main thread has not written the ones before: memory stays bounded however long the report
out.full = (g) => {
  const taken = out.take()!;
  const reply: WorkerReply = { kind: 'part', out: taken.bytes, ranges: taken.ranges, done: g - 1 };
  Atomics.add(parts, 0, 1);
  port.postMessage(reply, [taken.bytes]);
  for (let n = Atomics.load(parts, 0); n >= MAX_PARTS; n = Atomics.load(parts, 0)) Atomics.wait(parts, 0, n);
};
const sinks = chain(threadedSink(init.view, out.write, out.writeBytes), init.chain);
/** the capture's first packet's time and resolution, as the operations give them */
const clock = { firstTs: 0 as number | null, resolution: 1 };
const host = new LocalHost(sinks.top, init.globalReassemblyHold, (ts) => relativeTime(ts, clock));
let options: HostOptions = init.view.kind === 'terminal' ? { ...init.options, spill: new SpillFile(undefined, undefined, (reason) => port.postMessage({ kind: 'spill-failed', reason } satisfies WorkerReply)) } : init.options;
const flows = new Map<number, HostedFlow>();

function batch(buf: ArrayBuffer): void {
  const u32 = new Uint32Array(buf);
  const f64 = new Float64Array(buf);
  const bytes = Buffer.from(buf);
  const end = u32[0]!;
  let g = -1;
  for (let o = 16; o < end; ) {
    const u = o >> 2;
    const f = o >> 3;
    const kind = u32[u + U32.kind]!;
    const id = u32[u + U32.id]!;
    g = f64[f + F64.g]!;
    const len = u32[u + U32.length]!;
    clock.resolution = f64[f + F64.resolution]!;
    const at = o + OP_HEADER;
    out.begin(g);
    host.clock = g;
    if (kind === OP.packet) {
      const flow = flows.get(id)!;
      const seg = decodeTcp(bytes, at, at + len);
      const pkt = { number: u32[u + U32.number]!, ts: f64[f + F64.ts]!, relTs: f64[f + F64.relTs]! };
      // the analyzer sends only segments it could decode
      if (seg) host.packet(flow, pkt, u32[u + U32.dir]! as Dir, seg, bytes, at, at + len, u32[u + U32.missing]!);
    } else if (kind === OP.open) {
      const o2 = JSON.parse(bytes.toString('utf8', at, at + len)) as { first: { ip: string; port: number }; second: { ip: string; port: number }; firstTs: number };
      clock.firstTs = o2.firstTs;
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
    out.end();
    o = at + ((len + 7) & ~7);
  }
  // the output goes to the main thread (moved, not copied), the batch back to be filled again
  const written = out.take();
  const reply: WorkerReply = { kind: 'batch', out: written?.bytes ?? null, ranges: written?.ranges ?? [], done: g, input: buf };
  port.postMessage(reply, written ? [buf, written.bytes] : [buf]);
}

port.on('message', (m: WorkerRequest) => {
  if (m.kind === 'batch') batch(m.buf);
  else
    void host.finish().then((totals) => {
      const reply: WorkerReply = { kind: 'end', summary: totals.summary, diagnostics: totals.diagnostics, shared: chainShared(sinks) };
      port.postMessage(reply);
    });
});
