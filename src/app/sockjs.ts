// SockJS (https://github.com/sockjs/sockjs-protocol, protocol 0.3.3) over its
// raw WebSocket transport: the server frames what it sends as `o` (open), `h`
// (heartbeat), `a[...]` (a JSON array of messages), `m"..."` (one message)
// and `c[code,"reason"]` (close); the client sends a JSON array of strings
// (or one JSON string). The messages inside go on to the next decoder (STOMP
// over SockJS is the common case), chosen from their content.
import type { Side } from '../model.js';
import type { AppDecoder, AppFinding, AppInfo, AppMessage, AppResult, SockJsFields, SockJsInfo } from './types.js';
import { BODY_PREVIEW, clipText, MAX_UNITS, tryJson } from './types.js';
import type { DiagnosticFacts } from '../diagnostic.js';
import { said } from '../text/diagnostics.js';

type SockJsProblem = Extract<DiagnosticFacts, { code: 'app.sockjs-bad-frame' }>['problem'];

/** /<prefix>/<server>/<session>/websocket, the URL of SockJS's WebSocket transport. */
const SOCKJS_URL = /^(.*)\/([^/.?]+)\/([^/.?]+)\/websocket\/?(?:\?.*)?$/;

export function sockJsUrl(target: string | null): { prefix: string; server: string; session: string } | null {
  const m = SOCKJS_URL.exec(target ?? '');
  return m ? { prefix: m[1] === '' ? '/' : clipText(m[1]!, BODY_PREVIEW), server: clipText(m[2]!, BODY_PREVIEW), session: clipText(m[3]!, BODY_PREVIEW) } : null;
}

/** SockJS's info request, which a client sends before it opens a transport: GET <prefix>/info?t=... */
export function isSockJsInfo(target: string): boolean {
  return /\/info(?:\?t=\d+)?$/.test(target);
}

/** The inner decoder of a carrier: decodes one inner text message. */
export interface InnerDecoder {
  decode(m: AppMessage): AppResult;
  skip(from: Side): void;
  end(): AppFinding[];
}

function strings(v: unknown): string[] | null {
  return Array.isArray(v) && v.every((s) => typeof s === 'string') ? (v as string[]) : null;
}

export class SockJsDecoder implements AppDecoder {
  private readonly url: { prefix: string; server: string; session: string } | null;

  constructor(
    target: string | null,
    private readonly inner: InnerDecoder,
  ) {
    this.url = sockJsUrl(target);
  }

  /** The messages inside, decoded by the next decoder (all of them, for its state; the first MAX_UNITS kept). */
  private carried(m: AppMessage, texts: string[], findings: AppFinding[]): AppInfo[] {
    const out: AppInfo[] = [];
    for (const text of texts) {
      const r = this.inner.decode({ ...m, type: 'text', payload: Buffer.from(text, 'utf8') });
      findings.push(...r.findings);
      if (r.info && out.length < MAX_UNITS) out.push(r.info);
    }
    return out;
  }

  decode(m: AppMessage): AppResult {
    const text = m.payload.toString('utf8');
    const findings: AppFinding[] = [];
    const badFrame = (problem: SockJsProblem): AppResult => ({ info: null, findings: [said({ code: 'app.sockjs-bad-frame', problem, side: m.from, text: clipText(text, 40) })] });
    if (m.type === 'binary') return badFrame('binary');
    let fields: SockJsFields;
    let inner: AppInfo[] = [];
    let texts: string[] = [];
    if (m.from === 'client') {
      // the client sends a JSON array of strings, or a single JSON string
      const v = tryJson(text);
      const list = v.ok ? (typeof v.value === 'string' ? [v.value] : strings(v.value)) : null;
      if (!list) return badFrame('client-not-strings');
      texts = list;
      fields = { frame: 'send', messages: list.slice(0, MAX_UNITS).map((s) => clipText(s, BODY_PREVIEW)) };
    } else {
      const kind = text.charAt(0);
      const rest = text.slice(1);
      switch (kind) {
        case 'o':
          if (rest !== '') return badFrame('open-with-data');
          fields = { frame: 'open', ...(this.url ?? {}) };
          break;
        case 'h':
          if (rest !== '') return badFrame('heartbeat-with-data');
          fields = { frame: 'heartbeat' };
          break;
        case 'a': {
          const v = tryJson(rest);
          const list = v.ok ? strings(v.value) : null;
          if (!list) return badFrame('array-not-strings');
          texts = list;
          fields = { frame: 'array', messages: list.slice(0, MAX_UNITS).map((s) => clipText(s, BODY_PREVIEW)) };
          break;
        }
        case 'm': {
          const v = tryJson(rest);
          if (!v.ok || typeof v.value !== 'string') return badFrame('message-not-string');
          texts = [v.value];
          fields = { frame: 'message', messages: [clipText(v.value, BODY_PREVIEW)] };
          break;
        }
        case 'c': {
          const v = tryJson(rest);
          const pair = v.ok && Array.isArray(v.value) && v.value.length === 2 && typeof v.value[0] === 'number' && typeof v.value[1] === 'string' ? (v.value as [number, string]) : null;
          if (!pair) return badFrame('close-not-pair');
          fields = { frame: 'close', code: pair[0], reason: pair[1] };
          fields.reason = clipText(pair[1], BODY_PREVIEW);
          break;
        }
        default:
          return badFrame('unknown');
      }
    }
    inner = this.carried(m, texts, findings);
    const type = fields.frame;
    // the carried messages are the application's unless the next decoder says they are framework
    const user = texts.length > 0 && (inner.length === 0 || inner.some((i) => i.user));
    const info: SockJsInfo = { decoder: 'sockjs', type, user, fields, ...(type === 'send' || type === 'array' ? { facts: { count: texts.length } } : {}), ...(inner.length > 0 ? { inner } : {}) };
    return { info, findings };
  }

  skip(from: Side): void {
    this.inner.skip(from);
  }

  end(): AppFinding[] {
    return this.inner.end();
  }
}
