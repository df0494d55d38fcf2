// JSON text in general, and JSON-RPC 2.0 (https://www.jsonrpc.org/specification)
// in particular: requests (method and id), notifications (method, no id),
// responses (result or error, and the id of the request they answer), alone
// or in batches. A response is matched to its request by id, in the other
// direction; a request never answered is told at the end.
import type { Side } from '../model.js';
import type { AppDecoder, AppFinding, AppInfo, AppMessage, AppResult, JsonFields, JsonInfo, JsonRpcCall, JsonRpcInfo } from './types.js';
import { clipText, MAX_UNITS, unitTypes } from './types.js';
import { scanJson } from './json-scan.js';
import { said } from '../text/diagnostics.js';
import type { DiagnosticFacts } from '../diagnostic.js';

/** What is wrong with a JSON-RPC message: its facts without their code. */
type JsonRpcProblem = Extract<DiagnosticFacts, { code: 'app.jsonrpc-invalid' }> extends infer F ? (F extends unknown ? Omit<F, 'code'> : never) : never;

const MAX_KEYS = 16;
/** Calls waiting for an answer, per sender, followed at most (the oldest are forgotten). */
const MAX_WAITING = 10000;

/** Whether a text looks like JSON: an object or array (after white space). */
export function looksLikeJson(payload: Buffer): boolean {
  for (let i = 0; i < payload.length && i < 64; i++) {
    const c = payload[i]!;
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    return c === 0x7b || c === 0x5b;
  }
  return false;
}

function kindOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

function isRpc(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && (v as Record<string, unknown>)['jsonrpc'] === '2.0';
}

/** JSON-RPC 2.0 is an object with "jsonrpc": "2.0", or a non-empty batch of them. */
export function isJsonRpc(v: unknown): boolean {
  return isRpc(v) || (Array.isArray(v) && v.length > 0 && v.every(isRpc));
}

interface Waiting {
  message: number;
  packet: number;
  ts: number;
  method: string;
}

/** A JSON-RPC id as its message writes it: a string quoted, a number or null as it is. */
export function idText(id: unknown): string {
  return typeof id === 'string' ? JSON.stringify(id) : String(id);
}

/**
 * What a JSON message is: its kind, and an object's first keys or an array's
 * length. `keys`: the object's first MAX_KEYS keys; `text`: the message,
 * kept (cut) for any other kind.
 */
function jsonInfo(kind: string, keys: readonly string[], length: number, text: string): JsonInfo {
  const fields: JsonInfo['fields'] = { kind };
  if (kind === 'object') fields.keys = keys.map((k) => clipText(k, 64));
  if (kind === 'array') fields.length = length;
  const info: JsonInfo = { decoder: 'json', type: kind, user: true, fields };
  if (kind !== 'object' && kind !== 'array') info.facts = { value: clipText(text, 40) };
  return info;
}

export class JsonDecoder implements AppDecoder {
  /** requests waiting for their response, per sender, by id */
  private readonly waiting: Record<Side, Map<string, Waiting>> = { client: new Map(), server: new Map() };
  /** requests were forgotten (too many waiting) or lost (a message not decoded): unmatched and unanswered calls prove nothing then */
  private readonly unsure: Record<Side, boolean> = { client: false, server: false };

  /**
   * @param rpc the connection is JSON-RPC (every message is held to it); otherwise only messages that say "jsonrpc": "2.0" are
   * @param strict the protocol was named (by the subprotocol or --app), not guessed from content: text that is not JSON is an error
   */
  constructor(
    private readonly rpc: boolean,
    private readonly strict: boolean,
  ) {}

  decode(m: AppMessage): AppResult {
    if (m.type === 'binary') return { info: null, findings: [] };
    // an object or array read without being built (json-scan.ts), when the scan is sure of it
    const scanned = this.rpc ? null : scanJson(m.payload, MAX_KEYS);
    if (scanned) return { info: jsonInfo(scanned.kind, scanned.keys, scanned.length, ''), findings: [] };
    const text = m.payload.toString('utf8');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      // a guess from content holds nothing against text that is not JSON ("[INFO] started", NDJSON lines)
      if (!this.strict) return { info: null, findings: [] };
      return { info: null, findings: [{ ...said({ code: 'app.json-invalid', error: clipText((e as Error).message, 80), text: clipText(text, 40) }), spec: this.rpc ? 'JSON-RPC 2.0 §4; RFC 8259' : 'RFC 8259' }] };
    }
    if (this.rpc || isJsonRpc(value)) return this.rpcMessage(m, value);
    const kind = kindOf(value);
    const keys = kind === 'object' ? Object.keys(value as object) : [];
    return { info: jsonInfo(kind, keys.slice(0, MAX_KEYS), Array.isArray(value) ? value.length : 0, text), findings: [] };
  }

  private rpcMessage(m: AppMessage, value: unknown): AppResult {
    const findings: AppFinding[] = [];
    const batch = Array.isArray(value);
    const items = batch ? (value as unknown[]) : [value];
    let count = 0;
    const invalid = (problem: JsonRpcProblem): void => {
      findings.push(said({ code: 'app.jsonrpc-invalid', ...problem }));
    };
    if (batch && items.length === 0) invalid({ problem: 'empty-batch' });
    const calls: JsonRpcCall[] = [];
    const peer: Side = m.from === 'client' ? 'server' : 'client';
    for (const item of items) {
      if (calls.length >= MAX_UNITS) {
        count++;
        continue;
      }
      if (!isRpc(item)) {
        invalid({ problem: 'not-jsonrpc', item: clipText(JSON.stringify(item) ?? '', 40) });
        continue;
      }
      const o = item as Record<string, unknown>;
      const id = o['id'];
      const hasId = 'id' in o;
      if (hasId && !(id === null || typeof id === 'string' || typeof id === 'number')) invalid({ problem: 'id-type', id: clipText(JSON.stringify(id) ?? '', 40) });
      if ('method' in o) {
        const raw = o['method'];
        if (typeof raw !== 'string') {
          invalid({ problem: 'method-not-string' });
          continue;
        }
        const method = clipText(raw, 64);
        if ('result' in o || 'error' in o) {
          // neither a request nor a response: nothing to wait for
          invalid({ problem: 'request-with-result', method });
          continue;
        }
        if (!hasId) {
          calls.push({ kind: 'notification', method });
          continue;
        }
        calls.push({ kind: 'request', id: id as string | number | null, method });
        const waiting = this.waiting[m.from];
        if (waiting.size >= MAX_WAITING) {
          waiting.delete(waiting.keys().next().value!);
          this.unsure[m.from] = true;
        }
        waiting.set(clipText(idText(id), 64), { message: m.index, packet: m.packet, ts: m.ts, method });
        continue;
      }
      const hasResult = 'result' in o;
      const hasError = 'error' in o;
      if (hasResult === hasError) {
        invalid({ problem: hasResult ? 'result-and-error' : 'neither' });
        continue;
      }
      if (!hasId) invalid({ problem: 'response-without-id' });
      const call: JsonRpcCall = { kind: hasError ? 'error' : 'response', id: (id ?? null) as string | number | null };
      if (hasError) {
        const err = o['error'] as Record<string, unknown> | null;
        const code = typeof err?.['code'] === 'number' ? (err['code'] as number) : null;
        const message = typeof err?.['message'] === 'string' ? (err['message'] as string) : '';
        if (code === null || typeof err?.['message'] !== 'string') invalid({ problem: 'error-object' });
        call.error = { code, message: clipText(message, 120) };
      }
      const key = clipText(idText(id), 64);
      const asked = id === null || id === undefined ? undefined : this.waiting[peer].get(key);
      if (asked) {
        this.waiting[peer].delete(key);
        call.method = asked.method;
        call.request = { message: asked.message, packet: asked.packet, method: asked.method, rtt: Math.round((m.ts - asked.ts) * 1e6) / 1e6 };
      } else {
        call.request = null;
        // JSON-RPC 2.0 §5: a response carries the id of the request it answers (null only after a parse error)
        if (id !== null && id !== undefined && !this.unsure[peer]) findings.push(said({ code: 'app.jsonrpc-unmatched-response', id: key, peer }));
      }
      calls.push(call);
    }
    const info: JsonRpcInfo = { decoder: 'json-rpc', type: unitTypes(calls.map((c) => c.kind)) || 'invalid', user: true, fields: { calls, batch, ...(count > 0 ? { more: count } : {}) } };
    if (batch) info.facts = { items: items.length };
    return { info, findings };
  }

  skip(from: Side): void {
    // the lost message may have held requests (then responses seem unmatched) or responses (then requests seem unanswered)
    this.unsure[from] = true;
    this.unsure[from === 'client' ? 'server' : 'client'] = true;
  }

  end(): AppFinding[] {
    const out: AppFinding[] = [];
    for (const side of ['client', 'server'] as const) {
      if (this.unsure[side === 'client' ? 'server' : 'client']) continue;
      for (const [id, w] of this.waiting[side]) {
        out.push({ ...said({ code: 'app.jsonrpc-unanswered', side, method: w.method, id, packet: w.packet }), packet: w.packet, from: side });
      }
    }
    return out;
  }
}

/**
 * Whether an application protocol's reading is the plain JSON kind (the most
 * common: a JSON message that is not JSON-RPC), with exactly the fields the
 * JSON decoder gives it, in its order: then a spilled list writes it field
 * by field (analyze/codecs.ts) and the JSON export writes it by hand
 * (render/json.ts), several times quicker than through JSON text.
 */
export function plainJsonInfo(app: AppInfo): app is JsonInfo {
  if (app.decoder !== 'json') return false;
  let k = 0;
  for (const key in app) if (key !== APP_KEYS[k++]) return false;
  if (k !== APP_KEYS.length || typeof app.type !== 'string' || typeof app.user !== 'boolean') return false;
  const f = app.fields as unknown;
  if (typeof f !== 'object' || f === null || Object.getPrototypeOf(f) !== Object.prototype) return false;
  // kind, then keys and length when they are there
  let at = 0;
  for (const key in f) {
    const i = FIELD_KEYS.indexOf(key, at);
    if (i < 0 || (at === 0 && i !== 0)) return false;
    at = i + 1;
  }
  const { kind, keys, length } = f as JsonFields;
  if (typeof kind !== 'string') return false;
  if ('keys' in (f as object) && !(Array.isArray(keys) && keys.every((x, i) => typeof x === 'string' && i in keys) && Object.getPrototypeOf(keys) === Array.prototype)) return false;
  if ('length' in (f as object) && !(typeof length === 'number' && Number.isFinite(length) && !Object.is(length, -0))) return false;
  return true;
}

const APP_KEYS = ['decoder', 'type', 'user', 'fields'];
const FIELD_KEYS = ['kind', 'keys', 'length'];

/** Whether two lists of keys are the same keys in the same order (the memos of a reading's words, bytes and spilled form). */
export function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
