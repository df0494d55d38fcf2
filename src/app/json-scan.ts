// What the JSON decoder tells of a message — an object's keys or an array's
// length — read from the bytes in one pass, without building the values:
// JSON.parse of every message made an object tree only to be thrown away.
// The scan checks the whole text against the grammar of RFC 8259 §2–§7 as
// JSON.parse does; whatever it is not sure to read exactly as JSON.parse and
// Object.keys would (text that is not JSON, keys with escapes, keys that are
// array indexes, repeated keys, JSON-RPC), it leaves to JSON.parse: null.
// (test/properties.test.ts holds it to JSON.parse on generated texts.)

export interface JsonShape {
  kind: 'object' | 'array';
  /** an object's keys in order (Object.keys' order: no key is an array index here), at most `maxKeys` of them */
  keys: string[];
  /** how many keys the object has */
  keyCount: number;
  /** an array's items */
  length: number;
}

/** Objects with more keys than this are left to JSON.parse (each key is compared with the ones before it). */
const MAX_SCANNED_KEYS = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** "jsonrpc" */
const RPC = Buffer.from('jsonrpc');

/** Key names met before, by a hash of their bytes (the keys of a connection's messages are mostly the same few): no new string for them. */
const names = new Map<number, { bytes: Buffer; text: string }>();
const MAX_NAMES = 4096;

/** What the scan of one text has to keep between its steps (one scan at a time: the analysis is one thread). */
let b: Buffer = Buffer.alloc(0);
let n = 0;
let escaped = false;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

function skipSpace(i: number): number {
  while (i < n && isSpace(b[i]!)) i++;
  return i;
}

/** Past the string that starts at `i` (its opening quote); -1 when it is not a valid string; `escaped` set when it holds an escape. */
function string(i: number): number {
  let j = i + 1;
  escaped = false;
  while (j < n) {
    const c = b[j]!;
    if (c === QUOTE) return j + 1;
    if (c < 0x20) return -1;
    if (c === BACKSLASH) {
      escaped = true;
      const e = b[j + 1];
      if (e === 0x75) {
        // \uXXXX
        if (j + 5 >= n || !isHex(b[j + 2]!) || !isHex(b[j + 3]!) || !isHex(b[j + 4]!) || !isHex(b[j + 5]!)) return -1;
        j += 6;
        continue;
      }
      if (e !== QUOTE && e !== BACKSLASH && e !== 0x2f && e !== 0x62 && e !== 0x66 && e !== 0x6e && e !== 0x72 && e !== 0x74) return -1;
      j += 2;
      continue;
    }
    // any other byte, a byte of a multi-byte character included (the text was UTF-8, or decodes to U+FFFD, which a string may hold)
    j++;
  }
  return -1;
}

/** Past the number that starts at `i`; -1 when it is not one (RFC 8259 §6). */
function number(i: number): number {
  let j = i;
  if (b[j] === 0x2d) j++;
  if (j >= n) return -1;
  if (b[j] === 0x30) j++;
  else if (b[j]! >= 0x31 && b[j]! <= 0x39) while (j < n && isDigit(b[j]!)) j++;
  else return -1;
  if (b[j] === 0x2e) {
    j++;
    if (j >= n || !isDigit(b[j]!)) return -1;
    while (j < n && isDigit(b[j]!)) j++;
  }
  if (b[j] === 0x65 || b[j] === 0x45) {
    j++;
    if (b[j] === 0x2b || b[j] === 0x2d) j++;
    if (j >= n || !isDigit(b[j]!)) return -1;
    while (j < n && isDigit(b[j]!)) j++;
  }
  return j;
}

/** Past true, false or null at `i`; -1 when it is not one. */
function literal(i: number): number {
  const c = b[i];
  if (c === 0x74) return b[i + 1] === 0x72 && b[i + 2] === 0x75 && b[i + 3] === 0x65 ? i + 4 : -1;
  if (c === 0x66) return b[i + 1] === 0x61 && b[i + 2] === 0x6c && b[i + 3] === 0x73 && b[i + 4] === 0x65 ? i + 5 : -1;
  return b[i + 1] === 0x75 && b[i + 2] === 0x6c && b[i + 3] === 0x6c ? i + 4 : -1;
}

/**
 * The top-level keys of the last text the scan read whole, with their
 * bytes: a connection's messages mostly start with the same keys, and a key
 * whose bytes are the last text's key at the same place is that key (no
 * hash, no look-up; nor the checks, the last text's keys having passed them).
 */
let lastKeys: { bytes: Buffer; text: string }[] = [];

/** b[start, end) is `known`'s bytes */
function same(known: Buffer, start: number, end: number): boolean {
  if (known.length !== end - start) return false;
  for (let k = 0; k < known.length; k++) if (known[k] !== b[start + k]) return false;
  return true;
}

/** The text of a key without escapes, b[start, end), and its bytes as kept. */
function named(start: number, end: number): { bytes: Buffer; text: string } {
  // FNV-1a over the bytes and the length
  let h = 0x811c9dc5 ^ (end - start);
  for (let k = start; k < end; k++) h = Math.imul(h ^ b[k]!, 0x01000193);
  const known = names.get(h);
  if (known !== undefined && same(known.bytes, start, end)) return known;
  const made = { bytes: Buffer.from(b.subarray(start, end)), text: b.toString('utf8', start, end) };
  if (names.size >= MAX_NAMES) names.clear();
  names.set(h, made);
  return made;
}

/** A key that an object lists first, in numeric order: an array index ("0", "17"; Object.keys' order). */
function isIndex(key: string): boolean {
  if (key.length === 0 || key.length > 10) return false;
  if (key === '0') return true;
  const c = key.charCodeAt(0);
  if (c < 0x31 || c > 0x39) return false;
  for (let k = 1; k < key.length; k++) if (!isDigit(key.charCodeAt(k))) return false;
  return Number(key) <= 4294967294;
}

/**
 * The shape of a JSON object or array in `text` (UTF-8), or null: not JSON,
 * or a text the scan leaves to JSON.parse (see the top of this file).
 */
export function scanJson(text: Buffer, maxKeys: number): JsonShape | null {
  // JSON-RPC is read by JSON.parse (its members are looked at one by one)
  if (text.indexOf(RPC) >= 0) return null;
  b = text;
  n = text.length;
  try {
    return scan(maxKeys);
  } finally {
    b = EMPTY;
  }
}

const EMPTY = Buffer.alloc(0);

function scan(maxKeys: number): JsonShape | null {
  let i = skipSpace(0);
  const top = b[i];
  if (top !== 0x7b && top !== 0x5b) return null;
  const array = top === 0x5b;
  const shape: JsonShape = { kind: array ? 'array' : 'object', keys: [], keyCount: 0, length: 0 };
  // every top-level key, to find one that repeats (at most MAX_SCANNED_KEYS)
  const all: string[] = [];
  const seen: { bytes: Buffer; text: string }[] = [];
  // the keys so far are the last text's first keys
  let again = true;
  // the open objects and arrays (true: an object), innermost last
  const open: boolean[] = [];
  /** A key and its colon at `i`, in an object `depth` deep: past them, or -1 when not valid or the text is left to JSON.parse. */
  const key = (depth: number): number => {
    if (b[i] !== QUOTE) return -1;
    const end = string(i);
    if (end < 0) return -1;
    // an item of a top-level array may be a JSON-RPC message whose "jsonrpc" is written with an escape
    if (depth === 2 && escaped && array) return -1;
    if (depth === 1) {
      // a top-level key: as Object.keys gives it, unless it has an escape, is an array index (listed first), or repeats
      if (escaped || all.length >= MAX_SCANNED_KEYS) return -1;
      const last = again ? lastKeys[all.length] : undefined;
      let found: { bytes: Buffer; text: string };
      if (last !== undefined && same(last.bytes, i + 1, end - 1)) found = last;
      else {
        again = false;
        found = named(i + 1, end - 1);
        if (isIndex(found.text) || all.includes(found.text)) return -1;
      }
      const k = found.text;
      all.push(k);
      seen.push(found);
      shape.keyCount++;
      if (shape.keys.length < maxKeys) shape.keys.push(k);
    }
    const colon = skipSpace(end);
    return b[colon] === 0x3a ? colon + 1 : -1;
  };
  for (;;) {
    // a value starts at i (after white space)
    i = skipSpace(i);
    if (i >= n) return null;
    const c = b[i]!;
    const depth = open.length;
    if (c === 0x7b || c === 0x5b) {
      i = skipSpace(i + 1);
      if (b[i] === (c === 0x7b ? 0x7d : 0x5d)) i++;
      else {
        open.push(c === 0x7b);
        if (c === 0x7b) {
          i = key(open.length);
          if (i < 0) return null;
        }
        continue;
      }
    } else {
      i = c === QUOTE ? string(i) : c === 0x74 || c === 0x66 || c === 0x6e ? literal(i) : number(i);
      if (i < 0) return null;
    }
    // a value ended: the top-level array counts its items
    if (depth === 1 && array) shape.length++;
    // then a comma and the next member, or the close of what holds it (perhaps several)
    for (;;) {
      i = skipSpace(i);
      if (open.length === 0) {
        if (i !== n) return null;
        if (!array) lastKeys = seen;
        return shape;
      }
      const inObject = open[open.length - 1]!;
      if (b[i] === 0x2c) {
        i = skipSpace(i + 1);
        if (inObject) {
          i = key(open.length);
          if (i < 0) return null;
        }
        break;
      }
      if (b[i] !== (inObject ? 0x7d : 0x5d)) return null;
      open.pop();
      i++;
      // the object or array just closed is a value of what holds it
      if (open.length === 1 && array) shape.length++;
    }
  }
}
