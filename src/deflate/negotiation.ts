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

export interface ParsedDeflate {
  params: DeflateParams;
  /** what is wrong with the parameters themselves (unknown, repeated, bad values) */
  problems: string[];
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
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const [name, value] of pairs(text)) {
    if (seen.has(name)) {
      // RFC 7692 §7: a parameter given more than once makes the offer or response invalid
      problems.push(`${name} is given more than once`);
      continue;
    }
    seen.add(name);
    switch (name) {
      case 'server_no_context_takeover':
      case 'client_no_context_takeover':
        // RFC 7692 §7.1.1.1, §7.1.1.2: these have no value
        if (value !== null) problems.push(`${name} must not have a value (got "${value}")`);
        if (name === 'server_no_context_takeover') params.serverNoContextTakeover = true;
        else params.clientNoContextTakeover = true;
        break;
      case 'server_max_window_bits':
        // RFC 7692 §7.1.2.1: a decimal from 8 to 15, always with a value
        if (value === null || !WINDOW_BITS.test(value)) problems.push(`server_max_window_bits must be a number from 8 to 15 (got ${value === null ? 'no value' : `"${value}"`})`);
        else params.serverMaxWindowBits = Number(value);
        break;
      case 'client_max_window_bits':
        // RFC 7692 §7.1.2.2: optional value in an offer, required in a response
        if (value === null) {
          if (asResponse) problems.push('client_max_window_bits in a response must have a value');
          else params.clientMaxWindowBits = true;
        } else if (!WINDOW_BITS.test(value)) problems.push(`client_max_window_bits must be a number from 8 to 15 (got "${value}")`);
        else params.clientMaxWindowBits = Number(value);
        break;
      default:
        // RFC 7692 §7: an unknown parameter makes it invalid
        problems.push(`unknown parameter ${name}`);
    }
  }
  return { params, problems };
}

/**
 * Why a response cannot answer any of the offers, or null when it answers one
 * (RFC 7692 §7.1.1.1–§7.1.2.2).
 */
export function checkDeflateResponse(offers: readonly string[], response: string): string | null {
  const res = parseDeflate(response, true);
  if (res.problems.length > 0) return `the server's permessage-deflate response is invalid: ${res.problems.join('; ')}`;
  const reasons: string[] = [];
  for (const offerText of offers) {
    const offer = parseDeflate(offerText, false);
    if (offer.problems.length > 0) {
      reasons.push(`the offer "${offerText}" is itself invalid (${offer.problems.join('; ')}), so it cannot be accepted`);
      continue;
    }
    const o = offer.params;
    const r = res.params;
    if (o.serverNoContextTakeover && !r.serverNoContextTakeover) {
      reasons.push('the client asked for server_no_context_takeover and the response does not grant it');
      continue;
    }
    if (r.clientMaxWindowBits !== null && o.clientMaxWindowBits === null) {
      reasons.push('the response sets client_max_window_bits, which the client did not offer');
      continue;
    }
    if (typeof r.clientMaxWindowBits === 'number' && typeof o.clientMaxWindowBits === 'number' && r.clientMaxWindowBits > o.clientMaxWindowBits) {
      reasons.push(`the response sets client_max_window_bits=${r.clientMaxWindowBits}, above the offered ${o.clientMaxWindowBits}`);
      continue;
    }
    if (o.serverMaxWindowBits !== null && (r.serverMaxWindowBits === null || r.serverMaxWindowBits > o.serverMaxWindowBits)) {
      reasons.push(`the client limited server_max_window_bits to ${o.serverMaxWindowBits} and the response ${r.serverMaxWindowBits === null ? 'does not confirm it' : `says ${r.serverMaxWindowBits}`}`);
      continue;
    }
    return null;
  }
  return reasons.length === 1 ? reasons[0]! : `it matches none of the ${offers.length} offers (${reasons.join('; ')})`;
}

/** What the agreed response means for the compression of each direction (RFC 7692 §7.1). */
export function deflateRules(response: string): { server: DeflateContextRules; client: DeflateContextRules } {
  const p = parseDeflate(response, true).params;
  return {
    server: { takeover: !p.serverNoContextTakeover, windowBits: p.serverMaxWindowBits ?? 15 },
    client: { takeover: !p.clientNoContextTakeover, windowBits: typeof p.clientMaxWindowBits === 'number' ? p.clientMaxWindowBits : 15 },
  };
}
