// The permessage-deflate negotiation (RFC 7692 §5, §7.1): the parameters an
// offer may carry, which response may answer which offer, and what the
// agreement means for each direction's compression context.

export interface DeflateParams {
  serverNoContextTakeover: boolean;
  clientNoContextTakeover: boolean;
  /** null when absent */
  serverMaxWindowBits: number | null;
  /** true: present without a value (allowed in an offer only) */
  clientMaxWindowBits: number | true | null;
}

/** What is wrong with a parameter of an offer or a response (RFC 7692 §7). */
export type DeflateParamProblem =
  | { kind: 'repeated'; name: string }
  | { kind: 'has-value'; name: 'server_no_context_takeover' | 'client_no_context_takeover'; value: string }
  | { kind: 'window-bits'; name: 'server_max_window_bits' | 'client_max_window_bits'; value: string | null }
  /** client_max_window_bits without a value, in a response */
  | { kind: 'needs-value' }
  | { kind: 'unknown'; name: string };

/** Why a response cannot answer one offer (RFC 7692 §7.1.1.1–§7.1.2.2). */
export type DeflateMismatch =
  | { kind: 'offer-invalid'; offer: string; problems: DeflateParamProblem[] }
  | { kind: 'takeover-not-granted' }
  | { kind: 'client-bits-not-offered' }
  | { kind: 'client-bits-above'; response: number; offered: number }
  | { kind: 'server-bits'; offered: number; response: number | null };

/** Why a permessage-deflate response is not acceptable: its own parameters, or it answers none of the offers. */
export type DeflateResponseProblem = { invalid: DeflateParamProblem[] } | { offers: number; mismatches: DeflateMismatch[] };

export interface ParsedDeflate {
  params: DeflateParams;
  /** what is wrong with the parameters themselves (unknown, repeated, bad values) */
  problems: DeflateParamProblem[];
}

/** One direction's compression, as agreed. */
export interface DeflateContextRules {
  /** the sender keeps its LZ77 window from message to message */
  takeover: boolean;
  /** the sender's window size, 2^bits bytes */
  windowBits: number;
}

const WINDOW_BITS = /^(8|9|1[0-5])$/;

/** Parameter pairs of one offer or response, as written: `name; a; b=1; c="2"`. */
function pairs(text: string): [string, string | null][] {
  return text
    .split(';')
    .slice(1)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => {
      const eq = p.indexOf('=');
      if (eq < 0) return [p.toLowerCase(), null] as [string, null];
      return [p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1')] as [string, string];
    });
}

/** Parses the parameters of a permessage-deflate offer (`asResponse` false) or response (RFC 7692 §7). */
export function parseDeflate(text: string, asResponse: boolean): ParsedDeflate {
  const params: DeflateParams = { serverNoContextTakeover: false, clientNoContextTakeover: false, serverMaxWindowBits: null, clientMaxWindowBits: null };
  const problems: DeflateParamProblem[] = [];
  const seen = new Set<string>();
  for (const [name, value] of pairs(text)) {
    if (seen.has(name)) {
      // RFC 7692 §7: a parameter given more than once makes the offer or response invalid
      problems.push({ kind: 'repeated', name });
      continue;
    }
    seen.add(name);
    switch (name) {
      case 'server_no_context_takeover':
      case 'client_no_context_takeover':
        // RFC 7692 §7.1.1.1, §7.1.1.2: these have no value
        if (value !== null) problems.push({ kind: 'has-value', name, value });
        if (name === 'server_no_context_takeover') params.serverNoContextTakeover = true;
        else params.clientNoContextTakeover = true;
        break;
      case 'server_max_window_bits':
        // RFC 7692 §7.1.2.1: a decimal from 8 to 15, always with a value
        if (value === null || !WINDOW_BITS.test(value)) problems.push({ kind: 'window-bits', name, value });
        else params.serverMaxWindowBits = Number(value);
        break;
      case 'client_max_window_bits':
        // RFC 7692 §7.1.2.2: optional value in an offer, required in a response
        if (value === null) {
          if (asResponse) problems.push({ kind: 'needs-value' });
          else params.clientMaxWindowBits = true;
        } else if (!WINDOW_BITS.test(value)) problems.push({ kind: 'window-bits', name, value });
        else params.clientMaxWindowBits = Number(value);
        break;
      default:
        // RFC 7692 §7: an unknown parameter makes it invalid
        problems.push({ kind: 'unknown', name });
    }
  }
  return { params, problems };
}

/**
 * Why a response cannot answer any of the offers, or null when it answers one
 * (RFC 7692 §7.1.1.1–§7.1.2.2).
 */
export function checkDeflateResponse(offers: readonly string[], response: string): DeflateResponseProblem | null {
  const res = parseDeflate(response, true);
  if (res.problems.length > 0) return { invalid: res.problems };
  const reasons: DeflateMismatch[] = [];
  for (const offerText of offers) {
    const offer = parseDeflate(offerText, false);
    if (offer.problems.length > 0) {
      reasons.push({ kind: 'offer-invalid', offer: offerText, problems: offer.problems });
      continue;
    }
    const o = offer.params;
    const r = res.params;
    if (o.serverNoContextTakeover && !r.serverNoContextTakeover) {
      reasons.push({ kind: 'takeover-not-granted' });
      continue;
    }
    if (r.clientMaxWindowBits !== null && o.clientMaxWindowBits === null) {
      reasons.push({ kind: 'client-bits-not-offered' });
      continue;
    }
    if (typeof r.clientMaxWindowBits === 'number' && typeof o.clientMaxWindowBits === 'number' && r.clientMaxWindowBits > o.clientMaxWindowBits) {
      reasons.push({ kind: 'client-bits-above', response: r.clientMaxWindowBits, offered: o.clientMaxWindowBits });
      continue;
    }
    if (o.serverMaxWindowBits !== null && (r.serverMaxWindowBits === null || r.serverMaxWindowBits > o.serverMaxWindowBits)) {
      reasons.push({ kind: 'server-bits', offered: o.serverMaxWindowBits, response: r.serverMaxWindowBits });
      continue;
    }
    return null;
  }
  return { offers: offers.length, mismatches: reasons };
}

/** What the agreed response means for the compression of each direction (RFC 7692 §7.1). */
export function deflateRules(response: string): { server: DeflateContextRules; client: DeflateContextRules } {
  const p = parseDeflate(response, true).params;
  return {
    server: { takeover: !p.serverNoContextTakeover, windowBits: p.serverMaxWindowBits ?? 15 },
    client: { takeover: !p.clientNoContextTakeover, windowBits: typeof p.clientMaxWindowBits === 'number' ? p.clientMaxWindowBits : 15 },
  };
}
