// Close frame bodies and status codes (RFC 6455 §5.5.1, §7.4, and the IANA
// WebSocket Close Code Number registry).

export const CLOSE_CODE_NAMES: Readonly<Record<number, string>> = {
  1000: 'Normal Closure',
  1001: 'Going Away',
  1002: 'Protocol Error',
  1003: 'Unsupported Data',
  1004: 'Reserved',
  1005: 'No Status Received',
  1006: 'Abnormal Closure',
  1007: 'Invalid Frame Payload Data',
  1008: 'Policy Violation',
  1009: 'Message Too Big',
  1010: 'Mandatory Extension',
  1011: 'Internal Error',
  1012: 'Service Restart',
  1013: 'Try Again Later',
  1014: 'Bad Gateway',
  1015: 'TLS Handshake',
};

/** Where a status code stands: named by the registry, in the range registered for libraries and frameworks (3000–3999), private (4000–4999), or none of these. */
export function closeCodeKind(code: number): 'named' | 'registered' | 'private' | 'invalid' {
  if (CLOSE_CODE_NAMES[code]) return 'named';
  if (code >= 3000 && code <= 3999) return 'registered';
  if (code >= 4000 && code <= 4999) return 'private';
  return 'invalid';
}

/** May an endpoint put this code in a Close frame? (RFC 6455 §7.4.1, §7.4.2) */
export function isValidCloseCode(code: number): boolean {
  if (code < 1000 || code >= 5000) return false;
  if (code === 1004 || code === 1005 || code === 1006 || code === 1015) return false;
  if (code >= 1016 && code <= 2999) return false;
  return true;
}

export interface CloseBody {
  code: number | null;
  reasonBytes: Buffer;
}

/** Splits a close payload into status code and reason bytes; a 1-byte body has neither. */
export function parseCloseBody(payload: Buffer): CloseBody {
  if (payload.length < 2) return { code: null, reasonBytes: Buffer.alloc(0) };
  return { code: payload.readUInt16BE(0), reasonBytes: payload.subarray(2) };
}
