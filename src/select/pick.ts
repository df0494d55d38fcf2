// -w OUT: which packets the selection holds. The view of the first reading:
// each selected connection's timeline (narrowed by the selection as every
// view's is: --phase and --from keep their packets, the frame filters the
// packets that carry the frames they keep and those that carry none) gives
// the numbers of its packets; the second reading copies them
// (capture/extract.ts). Packets of no TCP connection are not in any
// timeline, so they are left out. A TLS connection (wss://) is kept whole
// whatever narrows the others: its records depend on one another; so is a
// connection carrying HTTP/2, whichever of its WebSocket conversations is
// selected (--stream N/S): its header blocks depend on every one before
// (HPACK's dynamic table), and its stream on the connection's SETTINGS.
import type { AnalysisSink, CaptureInfo, Connection, Diagnostic, Summary } from '../model.js';
import { PacketSet } from '../capture/extract.js';
import { selectConnection, type Selection } from './selection.js';

export class PacketPicker implements AnalysisSink {
  readonly chosen = new PacketSet();
  /** the TCP connections with a packet chosen (a WebSocket conversation an HTTP/2 stream carried is its connection's) */
  private readonly ids = new Set<number>();
  capture: CaptureInfo | null = null;

  constructor(private readonly selection: Selection) {}

  connection(whole: Connection): void {
    // a TLS connection is kept whole: its records hang together (a record left out, and every later one no longer decrypts)
    const conn = whole.tls !== null || whole.http2 !== null ? whole : selectConnection(whole, this.selection);
    if (conn === null) return;
    const before = this.chosen.size;
    for (const e of conn.timeline) this.chosen.add(e.packet);
    if (this.chosen.size > before) this.ids.add(conn.id);
  }

  /** connections with a packet chosen */
  get connections(): number {
    return this.ids.size;
  }

  end(capture: CaptureInfo, _summary: Summary, _diagnostics: Diagnostic[]): void {
    this.capture = capture;
  }
}
