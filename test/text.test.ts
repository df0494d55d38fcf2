import { describe, expect, it } from 'vitest';
import { cut, inQuotes, lenientUtf8, previewPayload, previewText, sanitize } from '../src/util/text.js';

describe('terminal safety', () => {
  it.each([
    ['plain text', 'hello', 'hello'],
    ['an escape sequence', '\x1b[2J', '\\x1b[2J'],
    ['an OSC title change', '\x1b]0;x\x07', '\\x1b]0;x\\x07'],
    ['line breaks and tabs', 'a\r\nb\tc', 'a\\r\\nb\\tc'],
    ['C1 controls and DEL', '\u009b\x7f', '\\u{9b}\\x7f'],
    ['a bidi override', 'abc\u202edef', 'abc\\u{202e}def'],
    ['already sanitized text', '\\x1b', '\\x1b'],
    ['non-Latin letters and emoji', '東京 ✓ 🎉', '東京 ✓ 🎉'],
  ])('%s', (_name, input, output) => {
    expect(sanitize(input)).toBe(output);
  });

  it('cuts by characters and marks the cut', () => {
    expect(cut('東京東京', 3)).toBe('東京…');
    expect(cut('abc', 3)).toBe('abc');
  });
});

describe('payload previews', () => {
  it('quotes UTF-8 text and shows other bytes as hex', () => {
    expect(previewPayload(Buffer.from('Hello'))).toBe('"Hello"');
    expect(previewPayload(Buffer.from([0, 1, 0x41]))).toBe('"\\x00\\x01A"');
    expect(previewPayload(Buffer.from([0xff, 0xfe, 0x00]))).toBe('ff fe 00');
    expect(previewPayload(Buffer.alloc(0))).toBe('""');
  });

  it('never lets a quote inside the text end the quoted string', () => {
    // double quotes in the text: single ones around it (as Python's repr), nothing to escape
    expect(previewText(Buffer.from('"who"'))).toBe(`'"who"'`);
    expect(previewPayload(Buffer.from('{"a":1}'))).toBe(`'{"a":1}'`);
    // both kinds: double quotes around, the inner ones escaped
    expect(previewText(Buffer.from(`say "it's"`))).toBe(`"say \\"it's\\""`);
    expect(inQuotes(`"it's"`)).toBe(`"\\"it's\\""`);
    expect(inQuotes('bye')).toBe('"bye"');
    // a cut never separates a backslash from the quote it escapes
    expect(inQuotes(`""''`, 3)).toBe('"\\"…"');
    expect(inQuotes(`""''`, 2)).toBe('"…"');
  });

  it('does not split a character when it cuts', () => {
    expect(previewPayload(Buffer.from('ééééé'), 3)).toBe('"éé…"');
  });

  it('shows a fragment that begins and ends inside characters', () => {
    const whole = Buffer.from('aus 東京 —');
    const piece = whole.subarray(5, whole.length - 1); // cuts 東 and —
    expect(lenientUtf8(piece)).toBe('\\x9d\\xb1京 \\xe2\\x80');
    expect(previewText(piece)).toBe('"\\x9d\\xb1京 \\xe2\\x80"');
  });
});

describe('the diagnostic codes', () => {
  it('every code the analysis can report is in the registry, with the same severity', async () => {
    const { readFileSync, readdirSync } = await import('node:fs');
    const { CODES } = await import('../src/codes.js');
    const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(`${dir}/${e.name}`) : e.name.endsWith('.ts') ? [`${dir}/${e.name}`] : []));
    const used = new Map<string, string>();
    for (const f of files('src')) {
      for (const m of readFileSync(f, 'utf8').matchAll(/code: '([a-z0-9.-]+)', severity: '(error|warning|info)'/g)) used.set(m[1]!, m[2]!);
      for (const m of readFileSync(f, 'utf8').matchAll(/diag\('([a-z0-9.-]+)', '(error|warning|info)'/g)) used.set(m[1]!, m[2]!);
    }
    expect(used.size).toBeGreaterThan(30);
    for (const [code, severity] of used) expect(CODES[code]?.severity, code).toBe(severity);
  });
});
