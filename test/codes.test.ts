// The registry of diagnostic codes is the truth about severities: each
// follows the RFC's own words (RFC 2119: MUST → error, SHOULD → warning),
// what cannot be proven broken from a capture is a warning with its reason,
// and every diagnostic the analysis raises carries its code's severity.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CODES, SEVERITY_OF } from '../src/codes.js';
import { analyze } from './support/analyze.js';

const MUST = /\b(MUST|MUST NOT|SHALL|SHALL NOT|REQUIRED)\b/;
const SHOULD = /\b(SHOULD|SHOULD NOT|RECOMMENDED)\b/;
const entries = Object.entries(CODES);

describe('the registry', () => {
  it.each(entries)('%s has the severity of its basis', (_code, info) => {
    expect(info.severity).toBe(SEVERITY_OF[info.basis]);
  });

  const rfcRules = entries.filter(([, i]) => /^RFC (6455|7692)\b/.test(i.rfc ?? ''));

  it.each(rfcRules.filter(([, i]) => i.basis === 'MUST' || i.basis === 'SHOULD'))('%s quotes the RFC sentence with its keyword', (_code, info) => {
    if (info.quote === undefined) {
      // a rule the RFC gives as an algorithm rather than a sentence says so
      expect(info.why).toMatch(/algorithm/);
      return;
    }
    if (info.basis === 'MUST') expect(info.quote).toMatch(MUST);
    else {
      expect(info.quote).toMatch(SHOULD);
      expect(info.quote).not.toMatch(MUST);
    }
  });

  it('no RFC rule is weaker than its words unless it says why', () => {
    for (const [code, info] of rfcRules) {
      if (info.basis === 'evidence' && /MUST|must/.test(info.why ?? '')) continue;
      if (info.basis === 'evidence' || info.basis === 'fact') expect(info.quote, code).toBeUndefined();
    }
    // the ones a capture cannot prove, each with its reason
    expect(rfcRules.filter(([, i]) => i.why !== undefined && i.basis === 'evidence').map(([c]) => c).sort()).toEqual(['close.not-echoed', 'ping.unanswered', 'pong.payload-mismatch']);
  });

  it('a non-minimal length is an error (RFC 6455 §5.2: "the minimal number of bytes MUST be used"), a client closing TCP first a warning (§7.1.1: SHOULD)', () => {
    expect(CODES['frame.length-not-minimal']!.severity).toBe('error');
    expect(CODES['close.client-closed-tcp-first']!.severity).toBe('warning');
  });
});

const DIRS = ['captures', 'captures/violations', 'captures/app', 'captures/hostile', 'captures/snaplen', 'captures/tapmerge', 'captures/cut'];
const FILES = DIRS.flatMap((d) => readdirSync(d).filter((f) => /\.(pcap|pcapng)(\.gz)?$/.test(f)).map((f) => join(d, f)));

describe('every diagnostic raised on the bundled captures', () => {
  it.each(FILES)('%s: carries the severity and the section of its code', async (file) => {
    const r = await analyze(file);
    const all = [...r.diagnostics, ...r.connections.flatMap((c) => c.diagnostics)];
    const wrong = all.filter((d) => CODES[d.code]?.severity !== d.severity).map((d) => `${d.code}: ${d.severity}, registry ${CODES[d.code]?.severity ?? 'unknown code'}`);
    expect([...new Set(wrong)]).toEqual([]);
    // and the registry's section, or one of the narrower ones it lists for the code
    const cited = all.filter((d) => d.rfc !== CODES[d.code]?.rfc && !(CODES[d.code]?.cites ?? []).includes(d.rfc ?? '')).map((d) => `${d.code}: ${d.rfc}`);
    expect([...new Set(cited)]).toEqual([]);
    // the hostile captures take seconds on a loaded machine
  }, 30_000);
});
