// ANSI colours for the terminal, or nothing: one switch, decided by the CLI.
import type { Phase, Severity } from '../model.js';
import { charWidth, lineWidth } from '../util/text.js';

export interface Paint {
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  cyan(s: string): string;
  blue(s: string): string;
  magenta(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
  severity(level: Severity, s: string): string;
  phase(phase: Phase, s: string): string;
}

const wrap =
  (on: boolean, open: number, close: number) =>
  (s: string): string =>
    on && s !== '' ? `\u001b[${open}m${s}\u001b[${close}m` : s;

export function paint(on: boolean): Paint {
  const p = {
    red: wrap(on, 31, 39),
    yellow: wrap(on, 33, 39),
    green: wrap(on, 32, 39),
    cyan: wrap(on, 36, 39),
    blue: wrap(on, 34, 39),
    magenta: wrap(on, 35, 39),
    dim: wrap(on, 2, 22),
    bold: wrap(on, 1, 22),
  };
  return {
    ...p,
    severity: (level, s) => (level === 'error' ? p.red(s) : level === 'warning' ? p.yellow(s) : p.cyan(s)),
    phase: (phase, s) =>
      phase === 'tcp-handshake' || phase === 'tcp-teardown' ? p.dim(s) : phase === 'ws-handshake' ? p.blue(s) : phase === 'tls-handshake' ? p.cyan(s) : phase === 'closing' ? p.magenta(s) : phase === 'data' ? p.green(s) : s,
  };
}

/** Terminal columns of a string that may hold ANSI colour codes (wide characters count two, combining marks none). */
export function visibleLength(s: string): number {
  return lineWidth(s);
}

// eslint-disable-next-line no-control-regex
const ANSI = /(\u001b\[[0-9;]*m)/;

/** Cuts a line that may hold colour codes to `width` terminal columns, keeping every code. */
export function clip(line: string, width: number): string {
  if (visibleLength(line) <= width) return line;
  let out = '';
  let seen = 0;
  let marked = false;
  for (const part of line.split(ANSI)) {
    if (ANSI.test(part)) {
      out += part;
      continue;
    }
    for (const ch of part) {
      const w = charWidth(ch);
      if (!marked && seen + w <= width - 1) {
        out += ch;
        seen += w;
      } else if (!marked && width > 0) {
        out += '…';
        marked = true;
      }
    }
  }
  return out;
}

// eslint-disable-next-line no-control-regex
const SGR_WHOLE = /^\u001b\[[0-9;]*m$/;

/**
 * Removes trailing spaces, even when colour codes follow them (the codes
 * stay): read from the end, so that a long line with many spaces costs one
 * pass.
 */
export function trimEnd(line: string): string {
  let end = line.length;
  let codes = '';
  for (;;) {
    const c = line.charCodeAt(end - 1);
    if (c === 0x20) {
      end--;
      continue;
    }
    if (c === 0x6d) {
      const start = line.lastIndexOf('\u001b[', end - 1);
      if (start >= 0 && SGR_WHOLE.test(line.slice(start, end))) {
        codes = line.slice(start, end) + codes;
        end = start;
        continue;
      }
    }
    break;
  }
  return end === line.length ? line : line.slice(0, end) + codes;
}
