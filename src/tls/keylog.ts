// The NSS key log format (SSLKEYLOGFILE; RFC 9850, formerly
// draft-ietf-tls-keylogfile): one secret a line, `LABEL <client_random hex>
// <secret hex>`, the client random being the 32-byte Random of the
// ClientHello (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2) that identifies the
// connection. Lines starting with '#' are comments; blank lines are skipped;
// CRLF line ends are accepted. Labels this tool does not use are ignored;
// malformed lines are counted with their line numbers, never thrown.
//
//   CLIENT_RANDOM                     TLS 1.2 (and older): the 48-byte master secret (RFC 5246 §8.1)
//   CLIENT_HANDSHAKE_TRAFFIC_SECRET   TLS 1.3 (RFC 8446 §7.1): client_handshake_traffic_secret
//   SERVER_HANDSHAKE_TRAFFIC_SECRET   server_handshake_traffic_secret
//   CLIENT_TRAFFIC_SECRET_0           client_application_traffic_secret_0
//   SERVER_TRAFFIC_SECRET_0           server_application_traffic_secret_0
//   CLIENT_EARLY_TRAFFIC_SECRET, EXPORTER_SECRET, EARLY_EXPORTER_SECRET   kept, not used
//
// Pure: the caller reads the files; a KeyLog merges any number of them, and
// learns from the analysis which TLS 1.2 sessions resumed connections reuse.

export const KEYLOG_LABELS = [
  'CLIENT_RANDOM',
  'CLIENT_HANDSHAKE_TRAFFIC_SECRET',
  'SERVER_HANDSHAKE_TRAFFIC_SECRET',
  'CLIENT_TRAFFIC_SECRET_0',
  'SERVER_TRAFFIC_SECRET_0',
  'CLIENT_EARLY_TRAFFIC_SECRET',
  'EXPORTER_SECRET',
  'EARLY_EXPORTER_SECRET',
] as const;

export type KeyLogLabel = (typeof KEYLOG_LABELS)[number];

/** Where a line came from: the file name the caller gave and the 1-based line number. */
export interface KeyLogSource {
  file: string;
  line: number;
}

export interface KeyLogSecret {
  secret: Buffer;
  source: KeyLogSource;
}

/** The secrets logged for one connection (one client random). */
export type KeyLogEntry = Partial<Record<KeyLogLabel, KeyLogSecret>>;

export type KeyLogProblemKind =
  /** not three space-separated fields */
  | 'fields'
  /** the client random is not 64 hex digits */
  | 'client-random'
  /** the secret is not hex, or has a length its label cannot have */
  | 'secret'
  /** the same label and client random already logged with a different secret (the first is kept) */
  | 'conflict';

export interface KeyLogProblem extends KeyLogSource {
  kind: KeyLogProblemKind;
  /** the line's first two fields (label, client random), cut to 120 characters: never a secret */
  text: string;
  /** the lengths (in characters) of the fields after the second, which are not shown */
  hidden: number[];
}

/** What one add() read. */
export interface KeyLogReadSummary {
  file: string;
  lines: number;
  /** secrets taken (repeats of an identical line count once) */
  secrets: number;
  /** lines with a well-formed label this tool does not know */
  ignored: number;
  problems: KeyLogProblem[];
}

const HEX = /^[0-9a-fA-F]*$/;
const LABELS: ReadonlySet<string> = new Set(KEYLOG_LABELS);

/** Secret lengths each label may have: a TLS 1.2 master secret is 48 bytes; TLS 1.3 secrets are Hash.length (32 or 48). */
function lengthFits(label: KeyLogLabel, n: number): boolean {
  if (label === 'CLIENT_RANDOM') return n === 48;
  return n === 32 || n === 48 || n === 64;
}

function clientRandomKey(clientRandom: string | Buffer): string {
  return typeof clientRandom === 'string' ? clientRandom.toLowerCase() : clientRandom.toString('hex');
}

/** sessions learned from a capture's connections, kept at most (the oldest forgotten first) */
export const MAX_LEARNED_SESSIONS = 65536;

export class KeyLog {
  private readonly entries = new Map<string, KeyLogEntry>();
  /**
   * TLS 1.2 sessions seen in the capture whose master secret the log has: session ID or ticket → the client
   * random it is logged under. A connection that resumes one (RFC 5246 §7.3, RFC 5077) is opened with it, as
   * Wireshark does, when the log has no line of its own.
   */
  private readonly learned = new Map<string, string>();
  /** every malformed line of every add(), in order */
  readonly problems: KeyLogProblem[] = [];
  /** the files read, in order */
  readonly files: KeyLogReadSummary[] = [];

  /** Parses a whole key log text (one file) into a new KeyLog. */
  static parse(text: string, file = 'keylog'): KeyLog {
    const log = new KeyLog();
    log.add(text, file);
    return log;
  }

  /** connections (client randoms) with at least one secret */
  get size(): number {
    return this.entries.size;
  }

  /** Reads one more key log text; its secrets join the ones already held. */
  add(text: string, file = 'keylog'): KeyLogReadSummary {
    const summary: KeyLogReadSummary = { file, lines: 0, secrets: 0, ignored: 0, problems: [] };
    const lines = text.split('\n');
    // a final newline does not open another line
    if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    summary.lines = lines.length;
    lines.forEach((raw, i) => {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      const trimmed = line.trim();
      if (trimmed === '' || trimmed.startsWith('#')) return;
      const source: KeyLogSource = { file, line: i + 1 };
      const fields = trimmed.split(/[ \t]+/);
      // a diagnostic may be shown or shared: the secret stays out of it
      const hidden = fields.slice(2).map((f) => f.length);
      const shown = fields.slice(0, 2).join(' ');
      const problem = (kind: KeyLogProblemKind): void => {
        summary.problems.push({ ...source, kind, text: shown.slice(0, 120), hidden });
      };
      if (fields.length !== 3) return problem('fields');
      const [label, random, secretHex] = fields as [string, string, string];
      if (!LABELS.has(label)) {
        // RFC 9850 §3: labels are upper-case letters, digits and underscores; others are junk
        if (/^[A-Z0-9_]+$/.test(label)) summary.ignored++;
        else problem('fields');
        return;
      }
      if (random.length !== 64 || !HEX.test(random)) return problem('client-random');
      if (secretHex.length % 2 !== 0 || !HEX.test(secretHex)) return problem('secret');
      const secret = Buffer.from(secretHex, 'hex');
      const known = label as KeyLogLabel;
      if (!lengthFits(known, secret.length)) return problem('secret');
      const key = random.toLowerCase();
      let entry = this.entries.get(key);
      if (!entry) this.entries.set(key, (entry = {}));
      const had = entry[known];
      if (had) {
        if (!had.secret.equals(secret)) problem('conflict');
        return;
      }
      entry[known] = { secret, source };
      summary.secrets++;
    });
    this.problems.push(...summary.problems);
    this.files.push(summary);
    return summary;
  }

  /** Takes in another KeyLog's secrets (the first logged of a label and client random is kept). */
  merge(other: KeyLog): this {
    for (const [random, entry] of other.entries) {
      let mine = this.entries.get(random);
      if (!mine) this.entries.set(random, (mine = {}));
      for (const label of KEYLOG_LABELS) {
        const theirs = entry[label];
        if (!theirs) continue;
        const had = mine[label];
        if (!had) mine[label] = theirs;
        else if (!had.secret.equals(theirs.secret)) this.problems.push({ ...theirs.source, kind: 'conflict', text: `${label} ${random}`, hidden: [theirs.secret.length * 2] });
      }
    }
    this.problems.push(...other.problems);
    this.files.push(...other.files);
    return this;
  }

  /** The secrets of the connection with this client random (hex, any case, or the 32 bytes). */
  get(clientRandom: string | Buffer): KeyLogEntry | undefined {
    return this.entries.get(clientRandomKey(clientRandom));
  }

  secret(clientRandom: string | Buffer, label: KeyLogLabel): KeyLogSecret | undefined {
    return this.get(clientRandom)?.[label];
  }

  /** A session ID or ticket (hex) of a session whose secrets are logged under clientRandom. */
  learn(kind: 'id' | 'ticket', value: string, clientRandom: string): void {
    const key = `${kind}:${value.toLowerCase()}`;
    if (this.learned.get(key) === clientRandom) return;
    this.learned.delete(key);
    this.learned.set(key, clientRandom);
    if (this.learned.size > MAX_LEARNED_SESSIONS) this.learned.delete(this.learned.keys().next().value!);
  }

  /** The client random a resumed session's secrets are logged under, by its session ID or ticket. */
  resumes(kind: 'id' | 'ticket', value: string): string | undefined {
    return this.learned.get(`${kind}:${value.toLowerCase()}`);
  }

  clientRandoms(): IterableIterator<string> {
    return this.entries.keys();
  }
}

/** Parses the texts of several key log files ({file, text}) into one KeyLog. */
export function parseKeyLogs(files: readonly { file: string; text: string }[]): KeyLog {
  const log = new KeyLog();
  for (const f of files) log.add(f.text, f.file);
  return log;
}
