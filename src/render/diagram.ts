// A frame's header drawn as RFC 6455 §5.2 draws it, 32 bits to a row, with
// this frame's actual bits in it and each field's value under it; then how
// the first payload bytes unmask (masked byte XOR key byte = plain byte).
// Reads the analysis result only.
import type { Frame } from '../model.js';
import { headerFields, headerRows, type HeaderField } from '../websocket/header-bits.js';
import { paint } from './paint.js';
import { displayWidth, wrap } from '../util/text.js';
import type { DiagramWords, UnmaskingWords } from '../text/explain-words.js';
import { EXPLAIN_EN } from '../text/en/explain.js';

/** A row's cell: its bits, and the label under them (one letter a line for a one-bit flag, else a name and a value). */
interface Cell {
  label: string[];
  bits: number[];
}

function label(field: HeaderField, words: DiagramWords): string[] {
  switch (field.kind) {
    case 'opcode':
      return ['opcode', field.value!, words.opcode(Number(field.value))];
    case 'length':
      return ['payload len', field.value!, field.extended ? words.extended(field.extended) : ''];
    case 'extended length':
      return ['extended payload length', field.value!];
    case 'masking key':
      return ['masking key', field.value!.replace(/(..)(?!$)/g, '$1 ')];
    default:
      return [...field.kind.padEnd(4, ' ')];
  }
}

/** The header's rows of cells (32 bits, or 16 when narrow), each cell labelled; a field that goes on in the next row is named again there. */
function rows(f: Frame, perRow: number, words: DiagramWords): Cell[][] {
  return headerRows(headerFields(f), perRow).map((row) =>
    row.map((c) => ({ bits: c.bits, label: c.first ? label(c.field, words) : [words.cont(c.field.kind as 'extended length' | 'masking key', label(c.field, words)[0]!)] })),
  );
}

/** `text` in `width` terminal columns: cut at a character that fits (a wide one takes two), or padded with spaces. */
function cell(text: string, width: number): string {
  let out = '';
  let used = 0;
  for (const ch of text) {
    const w = displayWidth(ch);
    if (used + w > width) break;
    out += ch;
    used += w;
  }
  return out + ' '.repeat(width - used);
}

/** Columns the diagram takes drawn 32 bits to a row (as the RFC does); 16 bits to a row take 33. */
export const DIAGRAM_WIDTH = 65;

/**
 * The header diagram of one frame, with its values: 32 bits to a row as
 * RFC 6455 §5.2 draws it, or 16 to a row when `width` columns cannot hold
 * that (the bits of each row then numbered 0 to 15).
 */
export function renderFrameDiagram(f: Frame, color: boolean, width = Infinity, words: DiagramWords = EXPLAIN_EN.diagram): string[] {
  const p = paint(color);
  const bits = width >= DIAGRAM_WIDTH ? 32 : 16;
  const lines =
    bits === 32
      ? ['  0                   1                   2                   3', '  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1']
      : ['  0                   1', '  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5'];
  const all = rows(f, bits, words);
  for (const row of all) {
    const widths = row.map((c) => c.bits.length * 2 - 1);
    lines.push(` +${widths.map((w) => '-'.repeat(w)).join('+')}+`);
    lines.push(` |${row.map((c) => p.bold(c.bits.join(' '))).join('|')}|`);
    const depth = Math.max(...row.map((c) => c.label.length));
    for (let i = 0; i < depth; i++) lines.push(` |${row.map((c, k) => cell(c.label[i] ?? '', widths[k]!)).join('|')}|`);
  }
  const last = all.at(-1)!;
  lines.push(` +${last.map((c) => '-'.repeat(c.bits.length * 2 - 1)).join('+')}+`);
  return lines.map((l) => l.replace(/\s+$/, ''));
}

/**
 * How the first payload bytes unmask: wire byte XOR key byte = payload byte
 * (RFC 6455 §5.3). At most `count` bytes, fewer when `width` columns cannot
 * hold them; the text of the bytes goes on a line of its own when it does
 * not fit after them.
 */
export function renderUnmasking(
  f: Frame,
  count = 8,
  width = Infinity,
  words: UnmaskingWords = EXPLAIN_EN.unmasking,
  lay: (text: string, width: number, indent: string, rest?: string) => string[] = wrap,
): string[] {
  if (!f.maskingKey || f.payload.length === 0) return [];
  const key = Buffer.from(f.maskingKey, 'hex');
  // the three rows' labels in one column, three spaces either side
  const column = Math.max(displayWidth(words.wire), displayWidth(words.key), displayWidth(words.plain));
  const pad = (s: string): string => `   ${s}${' '.repeat(column - displayWidth(s))}   `;
  const label = pad(words.plain);
  // 3 columns a byte: no fewer than 4 bytes, whatever the width
  const n = Math.min(count, f.payload.length, Math.max(4, Math.floor((width - displayWidth(label) + 1) / 3)));
  const plain = [...f.payload.subarray(0, n)];
  const keyBytes = plain.map((_, i) => key[i % 4]!);
  const wire = plain.map((b, i) => b ^ keyBytes[i]!);
  const hex = (xs: number[]): string => xs.map((b) => b.toString(16).padStart(2, '0')).join(' ');
  const ascii = plain.map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
  const text = `${JSON.stringify(ascii).replace(/[\u0000-\u001f\u007f]/g, '.')}${Number(f.payloadLength) > n ? `   ${words.firstOf(n, f.payloadLength)}` : ''}`;
  const last = `${label}${hex(plain)}   ${text}`;
  const indent = ' '.repeat(displayWidth(label));
  return [
    `${pad(words.wire)}${hex(wire)}`,
    `${pad(words.key)}${hex(keyBytes)}`,
    ...(displayWidth(last) <= width ? [last] : [`${label}${hex(plain)}`, ...lay(text, width, indent, indent)]),
  ];
}
