// GraphQL over WebSocket in its two protocols: graphql-transport-ws (the
// graphql-ws library's, https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md)
// and the older graphql-ws of subscriptions-transport-ws
// (https://github.com/apollographql/subscriptions-transport-ws/blob/master/PROTOCOL.md).
// Every message is a JSON object with a `type`; operations have an `id`, and
// the results that come back under that id are named after the operation.
import type { AppDecoder, AppFinding, AppMessage, AppResult, GraphQlFields, GraphQlInfo } from './types.js';
import { BODY_PREVIEW, clipText } from './types.js';
import { said } from '../text/diagnostics.js';
import type { Side } from '../model.js';

export type GraphQlProtocol = 'graphql-transport-ws' | 'graphql-ws';

/** Message types of each protocol, with who may send them. */
const TYPES: Record<GraphQlProtocol, Record<string, 'client' | 'server' | 'both'>> = {
  'graphql-transport-ws': {
    connection_init: 'client',
    connection_ack: 'server',
    ping: 'both',
    pong: 'both',
    subscribe: 'client',
    next: 'server',
    error: 'server',
    complete: 'both',
  },
  'graphql-ws': {
    connection_init: 'client',
    connection_ack: 'server',
    connection_error: 'server',
    ka: 'server',
    start: 'client',
    data: 'server',
    error: 'server',
    complete: 'server',
    stop: 'client',
    connection_terminate: 'client',
  },
};

const SPEC: Record<GraphQlProtocol, string> = {
  'graphql-transport-ws': 'GraphQL over WebSocket (graphql-transport-ws) §Message types',
  'graphql-ws': 'subscriptions-transport-ws PROTOCOL (graphql-ws)',
};

/** Operations followed at once at most (their ids and names). */
const MAX_OPERATIONS = 10000;

/** Types that start an operation, and those that carry its results. */
export const OPERATION: ReadonlySet<string> = new Set(['subscribe', 'start']);
export const RESULT: ReadonlySet<string> = new Set(['next', 'data', 'error']);

/** The first message of GraphQL over WebSocket in either protocol: {"type":"connection_init"…} */
export function looksLikeGraphQl(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>)['type'] === 'connection_init';
}

/** The operation's kind and name from its query text: "subscription Countdown { … }". */
function operationOf(query: unknown): { operation?: string; operationName?: string } {
  if (typeof query !== 'string') return {};
  const m = /^\s*(?:#[^\n]*\n\s*)*(query|mutation|subscription)\b\s*([_A-Za-z][_0-9A-Za-z]*)?/.exec(query);
  if (m) return { operation: m[1]!, ...(m[2] ? { operationName: m[2] } : {}) };
  return /^\s*\{/.test(query) ? { operation: 'query' } : {};
}

export class GraphQlDecoder implements AppDecoder {
  /** operations by id, with their names (at most MAX_OPERATIONS, the oldest forgotten) */
  private readonly operations = new Map<string, { operation?: string; operationName?: string }>();
  /** a message of the client's was not decoded: a result may be for an operation it started */
  private lostClient = false;

  /**
   * @param fixed the protocol negotiated by subprotocol; without one it is
   *   told by the messages (start, data, ka, stop belong to the older one)
   */
  constructor(
    private protocol: GraphQlProtocol,
    private readonly fixed: boolean,
  ) {}

  decode(m: AppMessage): AppResult {
    const text = m.payload.toString('utf8');
    const bad = (problem: { problem: 'binary'; side: Side } | { problem: 'not-json' | 'not-typed' } | { problem: 'unknown-type'; type: string }): AppResult => ({
      info: null,
      findings: [{ ...said({ code: 'app.graphql-bad-message', protocol: this.protocol, text: clipText(text, 40), ...problem }), spec: SPEC[this.protocol] }],
    });
    if (m.type === 'binary') return bad({ problem: 'binary', side: m.from });
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return bad({ problem: 'not-json' });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value) || typeof (value as Record<string, unknown>)['type'] !== 'string') {
      return bad({ problem: 'not-typed' });
    }
    const msg = value as Record<string, unknown>;
    const type = msg['type'] as string;
    if (!this.fixed && !(type in TYPES[this.protocol])) {
      const other: GraphQlProtocol = this.protocol === 'graphql-ws' ? 'graphql-transport-ws' : 'graphql-ws';
      if (type in TYPES[other]) this.protocol = other;
    }
    const protocol = this.protocol;
    const allowed = TYPES[protocol][type];
    const findings: AppFinding[] = [];
    if (allowed === undefined) return bad({ problem: 'unknown-type', type: clipText(type, 32) });
    if (allowed !== 'both' && allowed !== m.from) {
      findings.push({ ...said({ code: 'app.graphql-bad-message', protocol, problem: 'wrong-side', side: m.from, type, sender: allowed }), spec: SPEC[protocol] });
    }
    const fields: GraphQlFields = { messageType: type };
    const id = msg['id'];
    const needsId = OPERATION.has(type) || RESULT.has(type) || type === 'complete' || type === 'stop';
    if (id !== undefined) fields.id = clipText(String(id), 64);
    if (needsId && (typeof id !== 'string' && typeof id !== 'number')) {
      findings.push({ ...said({ code: 'app.graphql-bad-message', protocol, problem: 'no-id', type }), spec: SPEC[protocol] });
    }
    const payload = msg['payload'];
    if (payload !== undefined) fields.payload = clipText(JSON.stringify(payload) ?? '', BODY_PREVIEW);
    if (OPERATION.has(type) && fields.id !== undefined) {
      const p = (payload ?? {}) as Record<string, unknown>;
      const op = operationOf(p['query']);
      const name = typeof p['operationName'] === 'string' ? p['operationName'] : op.operationName;
      const known = { ...(op.operation ? { operation: op.operation } : {}), ...(name ? { operationName: clipText(name, 64) } : {}) };
      if (this.operations.size >= MAX_OPERATIONS) this.operations.delete(this.operations.keys().next().value!);
      this.operations.set(fields.id, known);
      Object.assign(fields, known);
    } else if (fields.id !== undefined) {
      const known = this.operations.get(fields.id);
      if (known) Object.assign(fields, known);
      else if (RESULT.has(type) && !this.lostClient) findings.push({ ...said({ code: 'app.graphql-unknown-id', protocol, type, id: fields.id }), spec: SPEC[protocol] });
      // complete and stop end an operation, and so does an error in graphql-transport-ws
      if (type === 'complete' || type === 'stop' || (type === 'error' && protocol === 'graphql-transport-ws')) this.operations.delete(fields.id);
    }
    if (type === 'error' || type === 'connection_error') {
      findings.push({ ...said({ code: 'app.graphql-error', to: fields.operationName !== undefined ? { name: fields.operationName } : fields.id !== undefined ? { id: fields.id } : null, type, payload: JSON.stringify(payload) ?? '' }), spec: SPEC[protocol] });
    }
    const info: GraphQlInfo = {
      decoder: protocol,
      type,
      user: OPERATION.has(type) || RESULT.has(type),
      fields,
    };
    return { info, findings };
  }

  skip(from: 'client' | 'server'): void {
    if (from === 'client') this.lostClient = true;
  }

  end(): AppFinding[] {
    return [];
  }
}
