// Names of the TLS code points an analyzer shows: protocol versions, record
// content types, handshake message types, alerts and the cipher suites seen
// in practice (IANA "TLS Parameters" registry). Unknown values fall back to hex.

const hex4 = (n: number): string => `0x${n.toString(16).padStart(4, '0')}`;

/** RFC 8701 §2: GREASE values are 0x0A0A, 0x1A1A … 0xFAFA (versions, cipher suites, extensions). */
export function isGrease(n: number): boolean {
  return (n & 0x0f0f) === 0x0a0a && n >> 8 === (n & 0xff);
}

export function tlsVersionName(v: number): string {
  if (v === 0x0300) return 'SSL 3.0';
  // RFC 8446 §5.1 / RFC 5246 Appendix E: TLS 1.x is {3, x + 1}
  if (v >= 0x0301 && v <= 0x0304) return `TLS 1.${v - 0x0301}`;
  if (isGrease(v)) return 'GREASE';
  if (v >> 8 === 0x7f) return `TLS 1.3 draft ${v & 0xff}`;
  return hex4(v);
}

// RFC 8446 §5.1 (and RFC 6520 §3 for heartbeat)
const CONTENT_TYPES: Readonly<Record<number, string>> = {
  20: 'change_cipher_spec',
  21: 'alert',
  22: 'handshake',
  23: 'application_data',
  24: 'heartbeat',
};

export function contentTypeName(t: number): string {
  return CONTENT_TYPES[t] ?? `content-type-${t}`;
}

// RFC 8446 §4, RFC 5246 §7.4, RFC 6066 §5 and §8
const HANDSHAKE_TYPES: Readonly<Record<number, string>> = {
  0: 'hello_request', 1: 'client_hello', 2: 'server_hello', 4: 'new_session_ticket', 5: 'end_of_early_data',
  8: 'encrypted_extensions', 11: 'certificate', 12: 'server_key_exchange', 13: 'certificate_request',
  14: 'server_hello_done', 15: 'certificate_verify', 16: 'client_key_exchange', 20: 'finished',
  21: 'certificate_url', 22: 'certificate_status', 24: 'key_update', 254: 'message_hash',
};

export function handshakeTypeName(t: number): string {
  return HANDSHAKE_TYPES[t] ?? `handshake-type-${t}`;
}

// RFC 8446 §6, RFC 5246 §7.2, RFC 7301 §3.2, RFC 7507 §2
const ALERTS: Readonly<Record<number, string>> = {
  0: 'close_notify', 10: 'unexpected_message', 20: 'bad_record_mac', 21: 'decryption_failed', 22: 'record_overflow',
  30: 'decompression_failure', 40: 'handshake_failure', 41: 'no_certificate', 42: 'bad_certificate',
  43: 'unsupported_certificate', 44: 'certificate_revoked', 45: 'certificate_expired', 46: 'certificate_unknown',
  47: 'illegal_parameter', 48: 'unknown_ca', 49: 'access_denied', 50: 'decode_error', 51: 'decrypt_error',
  60: 'export_restriction', 70: 'protocol_version', 71: 'insufficient_security', 80: 'internal_error',
  86: 'inappropriate_fallback', 90: 'user_canceled', 100: 'no_renegotiation', 109: 'missing_extension',
  110: 'unsupported_extension', 111: 'certificate_unobtainable', 112: 'unrecognized_name',
  113: 'bad_certificate_status_response', 114: 'bad_certificate_hash_value', 115: 'unknown_psk_identity',
  116: 'certificate_required', 120: 'no_application_protocol',
};

export function alertName(description: number): string {
  return ALERTS[description] ?? `alert-${description}`;
}

const CIPHER_SUITES: Readonly<Record<number, string>> = {
  // TLS 1.3 (RFC 8446 §B.4)
  0x1301: 'TLS_AES_128_GCM_SHA256',
  0x1302: 'TLS_AES_256_GCM_SHA384',
  0x1303: 'TLS_CHACHA20_POLY1305_SHA256',
  0x1304: 'TLS_AES_128_CCM_SHA256',
  0x1305: 'TLS_AES_128_CCM_8_SHA256',
  // ECDHE with AEAD (RFC 5289, RFC 7905)
  0xc02b: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  0xc02c: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  0xc02f: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  0xc030: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  0xcca8: 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  0xcca9: 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  0xccaa: 'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  0x009e: 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256',
  0x009f: 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384',
  // ECDHE / DHE with CBC (RFC 4492, RFC 5289, RFC 5246)
  0xc009: 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA',
  0xc00a: 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA',
  0xc013: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
  0xc014: 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
  0xc023: 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256',
  0xc024: 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384',
  0xc027: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256',
  0xc028: 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384',
  0x0033: 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA',
  0x0039: 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA',
  0x0067: 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA256',
  0x006b: 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA256',
  // RSA key transport (RFC 5246, RFC 5288)
  0x009c: 'TLS_RSA_WITH_AES_128_GCM_SHA256',
  0x009d: 'TLS_RSA_WITH_AES_256_GCM_SHA384',
  0x002f: 'TLS_RSA_WITH_AES_128_CBC_SHA',
  0x0035: 'TLS_RSA_WITH_AES_256_CBC_SHA',
  0x003c: 'TLS_RSA_WITH_AES_128_CBC_SHA256',
  0x003d: 'TLS_RSA_WITH_AES_256_CBC_SHA256',
  0x000a: 'TLS_RSA_WITH_3DES_EDE_CBC_SHA',
  0x0005: 'TLS_RSA_WITH_RC4_128_SHA',
  0x0004: 'TLS_RSA_WITH_RC4_128_MD5',
  // signalling values (RFC 5746 §3.3, RFC 7507 §2)
  0x00ff: 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV',
  0x5600: 'TLS_FALLBACK_SCSV',
};

export function cipherSuiteName(n: number): string {
  return CIPHER_SUITES[n] ?? (isGrease(n) ? 'GREASE' : hex4(n));
}
