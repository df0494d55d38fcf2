// A HAR reader that holds a document to the rules Chrome DevTools applies when
// it imports one (front_end/models/har: HARFormat's classes and Importer),
// written from those rules: what it refuses (it throws, and the import
// fails), what it drops without a word (a WebSocket message missing a field,
// or of an unknown type), and what it makes of the rest.

/** What DevTools makes of an entry: the fields its Network panel shows. */
export interface ImportedRequest {
  url: string;
  method: string;
  status: number;
  statusText: string;
  resourceType: string | null;
  issueTime: number;
  /** the end of the entry's bar, in seconds since the epoch */
  endTime: number;
  remotePort: number;
  connectionId: string;
  frames: { type: string; time: number; opcode: number; text: string; mask: boolean }[];
}

/** What the import refuses (the whole file fails to import), with where. */
export class ImportError extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function object(v: unknown, where: string): Record<string, unknown> {
  // HARBase: 'First parameter is expected to be an object'
  if (!isObject(v)) throw new ImportError(`${where}: not an object`);
  return v;
}

function safeNumber(v: unknown, where: string): number {
  const n = Number(v);
  if (Number.isNaN(n)) throw new ImportError(`${where}: not a number (${String(v)})`);
  return n;
}

function optionalNumber(v: unknown, where: string): number | undefined {
  return v === undefined ? undefined : safeNumber(v, where);
}

function safeDate(v: unknown, where: string): Date {
  const d = new Date(v as string);
  if (Number.isNaN(d.getTime())) throw new ImportError(`${where}: not a date (${String(v)})`);
  return d;
}

function list(v: unknown, where: string): Record<string, unknown>[] {
  return Array.isArray(v) ? v.map((x, i) => object(x, `${where}[${i}]`)) : [];
}

const FRAME_TYPES = new Set(['send', 'receive', 'error']);

/** The requests DevTools would show for this document, or ImportError where it would refuse it. */
export function importHar(doc: unknown): ImportedRequest[] {
  const root = object(doc, 'document');
  const log = object(root.log, 'log');
  object(log.creator, 'log.creator');
  if (log.browser !== undefined && log.browser !== null && log.browser !== '') object(log.browser, 'log.browser');
  list(log.pages, 'log.pages').forEach((p, i) => {
    safeDate(p.startedDateTime, `log.pages[${i}].startedDateTime`);
    object(p.pageTimings, `log.pages[${i}].pageTimings`);
  });
  if (!Array.isArray(log.entries)) throw new ImportError('log.entries is expected to be an array');
  const entries = log.entries.map((e, i) => readEntry(e, `log.entries[${i}]`));
  // the Importer sorts by startedDateTime before it makes its requests
  entries.sort((a, b) => a.started - b.started);
  return entries.map((e) => e.request);
}

function readEntry(raw: unknown, where: string): { started: number; request: ImportedRequest } {
  const e = object(raw, where);
  const started = safeDate(e.startedDateTime, `${where}.startedDateTime`).getTime();
  const time = safeNumber(e.time, `${where}.time`);
  const req = object(e.request, `${where}.request`);
  const res = object(e.response, `${where}.response`);
  for (const k of ['headersSize', 'bodySize']) safeNumber(req[k], `${where}.request.${k}`);
  for (const k of ['status', 'headersSize', 'bodySize']) safeNumber(res[k], `${where}.response.${k}`);
  for (const part of ['cookies', 'headers', 'queryString'] as const) list(req[part], `${where}.request.${part}`);
  for (const part of ['cookies', 'headers'] as const) list(res[part], `${where}.response.${part}`);
  list(req.cookies, `${where}.request.cookies`).forEach((c, i) => c.expires && safeDate(c.expires, `${where}.request.cookies[${i}].expires`));
  const content = object(res.content, `${where}.response.content`);
  safeNumber(content.size, `${where}.response.content.size`);
  optionalNumber(content.compression, `${where}.response.content.compression`);
  if (req.postData) object(req.postData, `${where}.request.postData`);
  const timings = object(e.timings, `${where}.timings`);
  for (const k of ['send', 'wait', 'receive']) safeNumber(timings[k], `${where}.timings.${k}`);
  for (const k of ['blocked', 'dns', 'connect', 'ssl']) optionalNumber(timings[k], `${where}.timings.${k}`);
  if (e._initiator !== undefined && typeof e._initiator === 'object' && e._initiator !== null) object(e._initiator, `${where}._initiator`);
  // the WebSocket's messages: the list is dropped whole if an item is not an object; an item missing a field, or of a type
  // DevTools does not know, is skipped
  let frames: ImportedRequest['frames'] = [];
  const raws = e._webSocketMessages;
  if (Array.isArray(raws) && raws.every(isObject)) {
    frames = raws.flatMap((m, i) => {
      const t = optionalNumber(m.time, `${where}._webSocketMessages[${i}].time`);
      const opcode = optionalNumber(m.opcode, `${where}._webSocketMessages[${i}].opcode`);
      const type = m.type === undefined ? undefined : String(m.type);
      const data = m.data === undefined ? undefined : String(m.data);
      if (t === undefined || opcode === undefined || data === undefined || type === undefined || !FRAME_TYPES.has(type)) return [];
      return [{ type, time: t, opcode, text: data, mask: type === 'send' }];
    });
  }
  // timings: the bar ends at the issue time plus the larger of the entry's time and the timings' sum
  const issueTime = started / 1000;
  let last = typeof timings.blocked === 'number' && timings.blocked >= 0 ? timings.blocked : 0;
  for (const k of ['dns', 'connect', 'send', 'wait', 'receive']) {
    const v = timings[k];
    if (typeof v === 'number' && v >= 0) last += v;
  }
  const resourceType = typeof e._resourceType === 'string' && e._resourceType !== '' ? e._resourceType : null;
  return {
    started,
    request: {
      url: String(req.url),
      method: String(req.method),
      status: Number(res.status),
      statusText: String(res.statusText),
      resourceType,
      issueTime,
      endTime: issueTime + Math.max(time, last) / 1000,
      remotePort: Number(e.connection) || 80,
      connectionId: e._connectionId === undefined ? '' : String(e._connectionId),
      frames,
    },
  };
}
