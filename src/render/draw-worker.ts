// The second thread of a long connection's drawing (draw.ts): it reads the
// connection's lists from the spill file and draws ranges of items, the next
// that no thread has each time it is done with one, with the same functions
// the main thread draws the others with, handing each back as bytes, a piece
// at a time.
import { type MessagePort, workerData } from 'node:worker_threads';
import { listsFrom } from '../analyze/share.js';
import { AHEAD, type DrawReply, type DrawTask, SIG, SLOT_BYTES } from './draw.js';
import { hexFrames } from './hex.js';
import { JsonBytes } from './json-bytes.js';
import type { RangeTask } from './ranges.js';
import { walkthroughRows } from './terminal.js';
import { entryLines } from './json.js';
import type { ListsOf } from '../analyze/share.js';

const { port, sig, slots } = workerData as { port: MessagePort; sig: Int32Array; slots: SharedArrayBuffer };
const slotBytes = new Uint8Array(slots);

/** Where a range's drawing is gathered before it is handed back. */
const out = new JsonBytes(SLOT_BYTES);
/** Where a range of --json's timeline is encoded. */
const lines = new JsonBytes();

/** Given up: the main thread no longer wants this task's pieces. */
const cancelled = (gen: number): boolean => Atomics.load(sig, SIG.cancel) === gen;

/** Hands what is gathered back; false when the task was given up meanwhile. */
function post(gen: number, k: number, last: boolean): boolean {
  // at most AHEAD pieces not yet taken
  for (;;) {
    if (cancelled(gen)) return false;
    const taken = Atomics.load(sig, SIG.taken);
    if (Atomics.load(sig, SIG.posted) - taken < AHEAD) break;
    Atomics.wait(sig, SIG.taken, taken, 1000);
  }
  // the slot of the piece AHEAD before this one, written by now
  const slot = Atomics.load(sig, SIG.posted) % AHEAD;
  const length = out.at;
  if (length <= SLOT_BYTES) {
    slotBytes.set(out.bytes.subarray(0, length), slot * SLOT_BYTES);
    const reply: DrawReply = { gen, k, slot, length, bytes: null, last };
    port.postMessage(reply);
  } else {
    const bytes = new Uint8Array(length);
    bytes.set(out.bytes.subarray(0, length));
    const reply: DrawReply = { gen, k, slot, length, bytes, last };
    port.postMessage(reply, [bytes.buffer]);
  }
  out.reset();
  Atomics.add(sig, SIG.posted, 1);
  Atomics.notify(sig, SIG.posted);
  return true;
}

/** A range of a task's list, drawn by the function that draws it on the main thread. */
function drawn(task: RangeTask, lists: ListsOf, from: number, to: number): Iterable<string | Buffer> {
  switch (task.view) {
    case 'hex':
      return hexFrames(lists, task.opts, from, to);
    case 'walkthrough':
      return walkthroughRows(lists.timeline, task.opts, task.layout, from, to);
    case 'json-timeline':
      return entryLines(lists.timeline, from, to, lines);
  }
}

function draw(t: DrawTask): void {
  const lists = listsFrom(t.lists);
  for (let k = t.alternate ? 1 : Atomics.add(sig, SIG.next, 1); k * t.range < t.items; k = t.alternate ? k + 2 : Atomics.add(sig, SIG.next, 1)) {
    if (cancelled(t.gen)) return;
    const from = k * t.range;
    const to = Math.min(t.items, from + t.range);
    out.reset();
    for (const piece of drawn(t.task, lists, from, to)) {
      if (typeof piece === 'string') out.utf8(piece);
      else out.raw(piece);
      // alive (the main thread, waiting, looks at it)
      Atomics.add(sig, SIG.beat, 1);
      if (out.at >= t.pieceBytes && !post(t.gen, k, false)) return;
    }
    if (!post(t.gen, k, true)) return;
  }
}

port.on('message', (t: DrawTask) => {
  try {
    draw(t);
  } catch (err) {
    const reply: DrawReply = { gen: t.gen, error: err instanceof Error ? err.message : String(err) };
    port.postMessage(reply);
    Atomics.add(sig, SIG.posted, 1);
    Atomics.notify(sig, SIG.posted);
  } finally {
    Atomics.store(sig, SIG.done, t.gen);
    Atomics.notify(sig, SIG.done);
  }
});
