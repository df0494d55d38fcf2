// A frame's header as RFC 6455 §5.2 draws it: its fields in order, each with
// its bits as they were sent, and the same fields cut into rows of 32 (or 16)
// bits, a field that crosses a row's end going on in the next. The terminal's
// diagram (render/diagram.ts) and the HTML report's (src/page/report.ts) both
// draw from these, each in its own words.
//
// Self-contained on purpose: the functions use nothing from outside their own
// bodies, so that the HTML report can carry their text (Function.toString) in
// its script and run them in the browser (test/html.test.ts holds them to that).

/** What the header is rebuilt from: the fields the JSON export and the analysis both have. */
export interface HeaderInput {
  fin: boolean;
  rsv1: boolean;
  rsv2: boolean;
  rsv3: boolean;
  opcode: number;
  masked: boolean;
  /** the header's size in bytes: it tells which length form the sender used */
  headerLength: number;
  /** a length past 2^53 as decimal text */
  payloadLength: number | string;
  /** hex, 8 digits */
  maskingKey: string | null;
}

/**
 * A field: `kind` names it; `value` is what it holds in words (the opcode in
 * hex, the 7-bit length code, the extended length, the key in hex), null for
 * a one-bit flag; `extended`: for the 7-bit length, the bits of the extended
 * length that follow (0, 16 or 64).
 */
export interface HeaderField {
  kind: 'FIN' | 'RSV1' | 'RSV2' | 'RSV3' | 'opcode' | 'MASK' | 'length' | 'extended length' | 'masking key';
  value: string | null;
  bits: number[];
  extended: number;
}

/** A row's piece of a field: some of its bits, and whether they are its first. */
export interface HeaderCell {
  field: HeaderField;
  bits: number[];
  first: boolean;
}

/** The header's fields in the order they were sent, with their bits. */
export function headerFields(f: HeaderInput): HeaderField[] {
  const bitsOf = (value: bigint, count: number): number[] => {
    const out: number[] = [];
    for (let i = count - 1; i >= 0; i--) out.push(Number((value >> BigInt(i)) & BigInt(1)));
    return out;
  };
  // the length form the sender used (its header's size says), not the shortest
  const base = f.headerLength - (f.masked ? 4 : 0);
  const extended = base === 4 ? 16 : base === 10 ? 64 : 0;
  const code = extended === 16 ? 126 : extended === 64 ? 127 : Number(f.payloadLength);
  const flag = (kind: HeaderField['kind'], on: boolean): HeaderField => ({ kind, value: null, bits: [on ? 1 : 0], extended: 0 });
  const out: HeaderField[] = [
    flag('FIN', f.fin),
    flag('RSV1', f.rsv1),
    flag('RSV2', f.rsv2),
    flag('RSV3', f.rsv3),
    { kind: 'opcode', value: `0x${f.opcode.toString(16)}`, bits: bitsOf(BigInt(f.opcode), 4), extended: 0 },
    flag('MASK', f.masked),
    { kind: 'length', value: String(code), bits: bitsOf(BigInt(code), 7), extended },
  ];
  if (extended) out.push({ kind: 'extended length', value: String(f.payloadLength), bits: bitsOf(BigInt(f.payloadLength), extended), extended: 0 });
  if (f.maskingKey) out.push({ kind: 'masking key', value: f.maskingKey, bits: bitsOf(BigInt(`0x${f.maskingKey}`), 32), extended: 0 });
  return out;
}

/** The fields cut into rows of `perRow` bits (the last row may be shorter). */
export function headerRows(fields: HeaderField[], perRow: number): HeaderCell[][] {
  const out: HeaderCell[][] = [[]];
  let used = 0;
  for (const field of fields) {
    let bits = field.bits;
    let first = true;
    while (bits.length > 0) {
      const take = Math.min(perRow - used, bits.length);
      out[out.length - 1]!.push({ field, bits: bits.slice(0, take), first });
      bits = bits.slice(take);
      used += take;
      first = false;
      if (used === perRow) {
        out.push([]);
        used = 0;
      }
    }
  }
  if (out[out.length - 1]!.length === 0) out.pop();
  return out;
}
