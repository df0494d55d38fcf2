// A progress line on standard error while a large capture is read, on a
// terminal only: it appears after a second and is erased when done.
import { sanitize } from '../util/text.js';

export class Progress {
  private readonly started = Date.now();
  private lastDrawn = 0;
  private shown = false;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly name: string,
    private readonly total: number | null,
  ) {}

  /** Whether a progress line may be drawn at all. */
  static wanted(stream: NodeJS.WriteStream): boolean {
    return stream.isTTY === true && !process.env['CI'];
  }

  update(bytes: number): void {
    const now = Date.now();
    if (now - this.started < 1000 || now - this.lastDrawn < 200) return;
    this.lastDrawn = now;
    this.shown = true;
    const mb = (n: number): string => `${(n / 1048576).toFixed(1)} MB`;
    const share = this.total ? ` ${Math.min(100, Math.floor((bytes / this.total) * 100))}% (${mb(bytes)} of ${mb(this.total)})` : ` ${mb(bytes)}`;
    const rate = bytes / ((now - this.started) / 1000);
    this.stream.write(`\r\u001b[2Kreading ${sanitize(this.name)}${share}, ${mb(rate)}/s`);
  }

  done(): void {
    if (this.shown) this.stream.write('\r\u001b[2K');
  }
}
