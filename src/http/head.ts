// HTTP/1.1 message heads (RFC 9112 §2-§5): pure parsing of a request line or
// status line and the header fields that follow.

export interface RequestLine {
  method: string;
  target: string;
  version: string;
}

export interface StatusLine {
  version: string;
  status: number;
  reason: string;
}

export interface ParsedHead {
  startLine: string;
  headers: [string, string][];
}

const REQUEST_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) (HTTP\/\d(?:\.\d)?)$/;
// a status code is three digits, 100-999 (RFC 9110 §15): "001" is not a status line
const STATUS_LINE = /^(HTTP\/\d(?:\.\d)?) ([1-9]\d{2})(?: (.*))?$/;

/** Offset just past the blank line that ends a head, or -1 while it is incomplete. */
export function findHeadEnd(b: Buffer, from = 0): number {
  const i = b.indexOf('\r\n\r\n', Math.max(0, from - 3), 'latin1');
  if (i >= 0) return i + 4;
  // bare LF line endings are tolerated by real parsers; so are we
  const j = b.indexOf('\n\n', Math.max(0, from - 1), 'latin1');
  return j >= 0 ? j + 2 : -1;
}

/** Splits a complete head (up to and including the blank line) into its parts. */
export function parseHead(b: Buffer): ParsedHead {
  const text = b.toString('latin1');
  const lines = text.split(/\r?\n/);
  const startLine = lines[0] ?? '';
  const headers: [string, string][] = [];
  for (const line of lines.slice(1)) {
    if (line === '') break;
    const last = headers[headers.length - 1];
    if ((line.startsWith(' ') || line.startsWith('\t')) && last) {
      // obsolete line folding (RFC 9112 §5.2): joined with a space
      last[1] = `${last[1]} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return { startLine, headers };
}

export function parseRequestLine(line: string): RequestLine | null {
  const m = REQUEST_LINE.exec(line);
  if (!m) return null;
  return { method: m[1]!, target: m[2]!, version: m[3]! };
}

export function parseStatusLine(line: string): StatusLine | null {
  const m = STATUS_LINE.exec(line);
  if (!m) return null;
  return { version: m[1]!, status: Number(m[2]), reason: m[3] ?? '' };
}

/** Could these first bytes of a stream start an HTTP request? (a method token and a space) */
export function looksLikeRequest(b: Buffer): boolean {
  const n = Math.min(b.length, 24);
  for (let i = 0; i < n; i++) {
    const c = b[i]!;
    if (c === 0x20) return i > 0;
    if (c < 0x41 || c > 0x5a) return false; // methods in use are upper-case letters
  }
  return n < 24;
}

/** Could these first bytes of a stream start an HTTP response? */
export function looksLikeResponse(b: Buffer): boolean {
  const prefix = 'HTTP/';
  const n = Math.min(b.length, prefix.length);
  return b.toString('latin1', 0, n) === prefix.slice(0, n);
}

/** All values of a header (case-insensitive name), in order. */
export function headerValues(headers: readonly [string, string][], name: string): string[] {
  const lower = name.toLowerCase();
  return headers.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
}

/** Comma-separated tokens of every value of a header, trimmed, empty ones dropped. */
export function headerTokens(headers: readonly [string, string][], name: string): string[] {
  return headerValues(headers, name)
    .flatMap((v) => v.split(','))
    .map((t) => t.trim())
    .filter((t) => t !== '');
}
