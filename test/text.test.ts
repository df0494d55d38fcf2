import { describe, expect, it } from 'vitest';
import { cut, displayWidth, inQuotes, lenientUtf8, plainPreview, previewPayload, previewText, previewTextOf, sanitize, wrapWide } from '../src/util/text.js';
import { langFromEnv, parseLang } from '../src/text/lang.js';
import fc from 'fast-check';
import { trimEnd } from '../src/render/paint.js';

describe('terminal safety', () => {
  it.each([
    ['plain text', 'hello', 'hello'],
    ['an escape sequence', '\x1b[2J', '\\x1b[2J'],
    ['an OSC title change', '\x1b]0;x\x07', '\\x1b]0;x\\x07'],
    ['line breaks and tabs', 'a\r\nb\tc', 'a\\r\\nb\\tc'],
    ['C1 controls and DEL', '\u009b\x7f', '\\u{9b}\\x7f'],
    ['a bidi override', 'abc\u202edef', 'abc\\u{202e}def'],
    ['already sanitized text', '\\x1b', '\\x1b'],
    ['non-Latin letters and emoji', '東京 ✓ 🎉', '東京 ✓ 🎉'],
  ])('%s', (_name, input, output) => {
    expect(sanitize(input)).toBe(output);
  });

  it('cuts by characters and marks the cut', () => {
    expect(cut('東京東京', 3)).toBe('東京…');
    expect(cut('abc', 3)).toBe('abc');
  });
});

describe('payload previews', () => {
  it('quotes UTF-8 text and shows other bytes as hex', () => {
    expect(previewPayload(Buffer.from('Hello'))).toBe('"Hello"');
    expect(previewPayload(Buffer.from([0, 1, 0x41]))).toBe('"\\x00\\x01A"');
    expect(previewPayload(Buffer.from([0xff, 0xfe, 0x00]))).toBe('ff fe 00');
    expect(previewPayload(Buffer.alloc(0))).toBe('""');
  });

  it('never lets a quote inside the text end the quoted string', () => {
    // double quotes in the text: single ones around it (as Python's repr), nothing to escape
    expect(previewText(Buffer.from('"who"'))).toBe(`'"who"'`);
    expect(previewPayload(Buffer.from('{"a":1}'))).toBe(`'{"a":1}'`);
    // both kinds: double quotes around, the inner ones escaped
    expect(previewText(Buffer.from(`say "it's"`))).toBe(`"say \\"it's\\""`);
    expect(inQuotes(`"it's"`)).toBe(`"\\"it's\\""`);
    expect(inQuotes('bye')).toBe('"bye"');
    // a cut never separates a backslash from the quote it escapes
    expect(inQuotes(`""''`, 3)).toBe('"\\"…"');
    expect(inQuotes(`""''`, 2)).toBe('"…"');
  });

  it('previews plain ASCII the short way exactly as the general way', () => {
    // bytes mostly printable, with the quotes, backslashes, escapes and multi-byte characters that send a preview the general way
    const byte = fc.oneof({ weight: 12, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) }, fc.constantFrom(0x22, 0x27, 0x5c, 0x0a, 0x1b, 0x7f, 0xc3, 0xa9, 0xe6, 0x9d, 0xb1, 0xcc, 0x81));
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 200 }), fc.integer({ min: 0, max: 60 }), fc.boolean(), (bytes, max, columns) => {
        const b = Buffer.from(bytes);
        expect(previewText(b, max, columns)).toBe(previewTextOf(b, max, columns));
      }),
      { numRuns: 3000 },
    );
    // and it is taken where it can be: JSON with single quotes around it, plain text cut with an ellipsis
    expect(plainPreview(Buffer.from('{"type":"tick","n":1}'), 10)).toBe(`'{"type":"…'`);
    expect(plainPreview(Buffer.from('hello'), 5)).toBe('"hello"');
    expect(plainPreview(Buffer.from('say "it\'s"'), 20)).toBeNull();
    expect(plainPreview(Buffer.from('a\\nb'), 20)).toBeNull();
  });

  it('does not split a character when it cuts', () => {
    expect(previewPayload(Buffer.from('ééééé'), 3)).toBe('"éé…"');
  });

  it('shows a fragment that begins and ends inside characters', () => {
    const whole = Buffer.from('aus 東京 —');
    const piece = whole.subarray(5, whole.length - 1); // cuts 東 and —
    expect(lenientUtf8(piece)).toBe('\\x9d\\xb1京 \\xe2\\x80');
    expect(previewText(piece)).toBe('"\\x9d\\xb1京 \\xe2\\x80"');
  });
});

describe('the diagnostic codes', () => {
  it('no place that raises a diagnostic restates its severity: the registry gives it (the compiler holds each code to the registry)', async () => {
    const { readFileSync, readdirSync } = await import('node:fs');
    const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(`${dir}/${e.name}`) : e.name.endsWith('.ts') ? [`${dir}/${e.name}`] : []));
    const restated: string[] = [];
    let raised = 0;
    for (const f of files('src')) {
      if (f === 'src/codes.ts') continue;
      const text = readFileSync(f, 'utf8');
      raised += [...text.matchAll(/code: '([a-z0-9.-]+)'|diag\('([a-z0-9.-]+)'/g)].length;
      for (const m of text.matchAll(/severity: '(error|warning|info)'/g)) restated.push(`${f}: ${m[0]}`);
    }
    expect(raised).toBeGreaterThan(60);
    expect(restated).toEqual([]);
  });

  it('the analysis never names a command-line option: a sentence that does is made from its facts by text/diagnostics.ts', async () => {
    const { readFileSync, readdirSync } = await import('node:fs');
    const named: string[] = [];
    for (const dir of ['analyze', 'capture', 'link', 'ip', 'tcp', 'http', 'websocket', 'deflate', 'tls', 'identify']) {
      for (const f of readdirSync(`src/${dir}`).filter((n) => n.endsWith('.ts'))) {
        readFileSync(`src/${dir}/${f}`, 'utf8')
          .split('\n')
          .forEach((l, i) => {
            // code, not comments
            if (/^\s*(\/\/|\*|\/\*)/.test(l)) return;
            for (const m of l.matchAll(/--[a-z][a-z-]+/g)) named.push(`src/${dir}/${f}:${i + 1}: ${m[0]}`);
          });
      }
    }
    expect(named).toEqual([]);
    // and the catalogue's sentences are the ones the captures gave before it (one, checked here; every capture's JSON is compared in the goldens)
    const { diagnosticText } = await import('../src/text/diagnostics.js');
    expect(diagnosticText({ code: 'limit.payload', frame: { length: '20000000' }, held: 16 * 1024 * 1024 })).toBe('this frame carries 20000000 payload bytes; only the first 16M were held (--max-frame-payload), so its content is not checked');
    // the capture's own, worded as the reader worded them before
    expect(diagnosticText({ code: 'capture.truncated-file', after: 12, inside: { what: 'a packet record', left: 30 } })).toBe('the file ends in the middle of a packet record (30 bytes after packet 12); everything before it was read');
    expect(diagnosticText({ code: 'capture.truncated-file', after: 12, inside: null })).toBe('the compressed file ends early, after packet 12; everything before it was read');
    expect(diagnosticText({ code: 'capture.damaged', compressed: false, after: 3, reason: 'a block of length 7' })).toBe('the file is damaged after packet 3: a block of length 7; everything before it was read');
    expect(diagnosticText({ code: 'ip.fragments-incomplete', datagrams: 1 })).toBe('1 fragmented IP datagram never had all fragments captured; their bytes are missing from the streams');
    expect(diagnosticText({ code: 'ip.fragments-incomplete', datagrams: 2 })).toMatch(/^2 fragmented IP datagrams never/);
  });
});

describe('display width', () => {
  it('counts East Asian wide and fullwidth characters two columns, combining marks none', async () => {
    const { displayWidth } = await import('../src/util/text.js');
    expect(displayWidth('hello')).toBe(5);
    expect(displayWidth('東京')).toBe(4);
    expect(displayWidth('你好，世界')).toBe(10);
    expect(displayWidth('ｗｉｄｅ')).toBe(8);
    expect(displayWidth('한국어')).toBe(6);
    expect(displayWidth('カタカナ')).toBe(8);
    expect(displayWidth('🎉🚀')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('Grüße — Ünïcödé ✓ …')).toBe(19);
    expect(displayWidth('Привет')).toBe(6);
    // halfwidth katakana and the ideographic space's neighbours
    expect(displayWidth('ｶﾀｶﾅ')).toBe(4);
    expect(displayWidth('\u3000')).toBe(2);
  });

  it('agrees with the string-width of cli-table3 on wide characters', async () => {
    const { createRequire } = await import('node:module');
    const stringWidth = createRequire(import.meta.url)('string-width') as (s: string) => number;
    const { displayWidth } = await import('../src/util/text.js');
    for (const s of ['東京', '你好，世界', 'ｗｉｄｅ ＡＢＣ', '한국어', 'カタカナ', '🎉🚀', 'e\u0301', 'Grüße aus 東京 — Ünïcödé ✓ 🎉', '再见', '服务器维护中']) expect(displayWidth(s), s).toBe(stringWidth(s));
  });

  it('cuts to a number of columns, never splitting a wide character or an escape', async () => {
    const { cutWidth, displayWidth, padWidth } = await import('../src/util/text.js');
    expect(cutWidth('東京東京', 5)).toBe('東京…');
    expect(cutWidth('東京東京', 4)).toBe('東…');
    expect(cutWidth('東京', 4)).toBe('東京');
    expect(cutWidth('ab\\x1bcd', 5)).toBe('ab…');
    expect(cutWidth('e\u0301e\u0301e\u0301', 2)).toBe('e\u0301…');
    for (let n = 1; n <= 12; n++) expect(displayWidth(cutWidth('你好，世界 hello', n))).toBeLessThanOrEqual(n);
    expect(padWidth('東京', 6)).toBe('東京  ');
    expect(padWidth('東京', 6, true)).toBe('  東京');
  });

  it('safeCut reads a line only as far as its cut, and cuts as sanitizing it whole and cutting would', async () => {
    const { cutWidth, safeCut } = await import('../src/util/text.js');
    // pieces a summary is made of: ASCII, a dash and an ellipsis, wide and zero-width characters, what sanitize escapes
    // (controls, DEL, C1, bidi controls, lone surrogates), backslashes, emoji (surrogate pairs)
    const pieces = ['a', 'Text [FIN] 5 bytes', ' ', '—', '…', '東京', 'e\u0301', '\x1b', '\x7f', '\u009b', '\u202e', '\\', '\\x1b', '\ud800', '🎉', '\u200b', 'x'.repeat(40)];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 14 }), fc.integer({ min: -1, max: 90 }), (parts, max) => {
        const text = parts.join('');
        expect(safeCut(text, max)).toBe(text.length <= max && /^[\x20-\x7e]*$/.test(text) ? text : cutWidth(sanitize(text), max));
      }),
      { numRuns: 20000 },
    );
  });

  it('wraps to columns and breaks a word too long for a line', async () => {
    const { displayWidth, wrap } = await import('../src/util/text.js');
    const lines = wrap('服务器维护中服务器维护中 and a-very-long-word-that-cannot-fit-anywhere-at-all', 16, '  ', '    ');
    for (const l of lines) expect(displayWidth(l), l).toBeLessThanOrEqual(16);
    expect(lines.join('').replace(/\s/g, '')).toBe('服务器维护中服务器维护中anda-very-long-word-that-cannot-fit-anywhere-at-all');
  });
});

describe('trimEnd', () => {
  // the definition: trailing spaces go, even with colour codes after them, which stay
  const byDefinition = (line: string): string => {
    let prev = '';
    let s = line;
    while (s !== prev) {
      prev = s;
      // eslint-disable-next-line no-control-regex
      s = s.replace(/ +((?:\u001b\[[0-9;]*m)*)$/, '$1');
    }
    return s;
  };

  it('removes what the definition removes, reading from the end', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(' ', '   ', 'a', 'm', '\u001b[0m', '\u001b[2;31m', '\u001b[', 'x m', '\u001b[1mabc m', '│'), { maxLength: 12 }), (parts) => {
        const line = parts.join('');
        expect(trimEnd(line)).toBe(byDefinition(line));
      }),
      { numRuns: 5000 },
    );
    expect(trimEnd(`x${' '.repeat(5000)}\u001b[0m`)).toBe('x\u001b[0m');
  });
});

describe('cutting to a width', () => {
  // the definition: whole tokens (an escape sanitize wrote, or one code point) while they fit in max - 1, then an ellipsis
  const TOKEN = /\\x[0-9a-f]{2}|\\u\{[0-9a-f]+\}|\\[nrt"']|[\s\S]/gu;
  const byDefinition = (text: string, max: number, size: (t: string) => number): string => {
    if (size(text) <= max) return text;
    let out = '';
    let used = 0;
    for (const [token] of text.matchAll(TOKEN)) {
      const n = size(token);
      if (used + n > max - 1) break;
      out += token;
      used += n;
    }
    return `${out}…`;
  };

  it('cuts as the definition does, with and without escapes, wide characters and combining marks', async () => {
    const { cut, cutWidth, displayWidth } = await import('../src/util/text.js');
    const points = (t: string): number => Array.from(t).length;
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'Z', ' ', '東', '😀', 'e\u0301', '\u0301', '\\x1b', '\\u{202e}', '\\n', '\\', '…', 'é'), { maxLength: 14 }), fc.integer({ min: 0, max: 16 }), (parts, max) => {
        const text = parts.join('');
        expect(cutWidth(text, max)).toBe(byDefinition(text, max, displayWidth));
        expect(cut(text, max)).toBe(byDefinition(text, max, points));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('sanitize and displayWidth, character by character', () => {
  it('escape exactly the controls and the hidden characters, and measure as charWidth does, for every character of the Basic Multilingual Plane', async () => {
    const { charWidth, displayWidth } = await import('../src/util/text.js');
    // the definition of what is escaped (see HIDDEN_CHARS)
    const escaped = /[\x00-\x1f\x7f]|[\u0080-\u009f\p{Cf}\p{Zl}\p{Zp}]/u;
    const wrong: string[] = [];
    for (let c = 0; c < 0x10000; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const ch = String.fromCharCode(c);
      // twice: the second answer comes from what the first remembered
      for (let k = 0; k < 2; k++) {
        if ((sanitize(`x${ch}y`) !== `x${ch}y`) !== escaped.test(ch)) wrong.push(`sanitize U+${c.toString(16)}`);
        if (displayWidth(`x${ch}y`) !== 2 + charWidth(ch)) wrong.push(`displayWidth U+${c.toString(16)}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('the language', () => {
  it.each([
    ['zh-CN', 'zh-CN'],
    ['zh_CN.UTF-8', 'zh-CN'],
    ['zh_CN.GB18030@pinyin', 'zh-CN'],
    ['zh', 'zh-CN'],
    ['zh-Hans', 'zh-CN'],
    ['zh_SG', 'zh-CN'],
    ['zh_TW.UTF-8', null],
    ['zh-Hant', null],
    ['en', 'en'],
    ['en_GB.UTF-8', 'en'],
    ['C', 'en'],
    ['C.UTF-8', 'en'],
    ['POSIX', 'en'],
    ['fr_FR.UTF-8', null],
    ['', null],
  ] as const)('%s is %s', (name, lang) => {
    expect(parseLang(name)).toBe(lang);
  });

  it.each([
    [{}, 'en'],
    [{ LANG: 'zh_CN.UTF-8' }, 'zh-CN'],
    [{ LANG: 'zh_CN.UTF-8', LC_ALL: 'C' }, 'en'],
    [{ LANG: 'fr_FR.UTF-8', LANGUAGE: 'fr:zh_CN:en' }, 'zh-CN'],
    [{ LANGUAGE: 'zh_CN' }, 'en'],
    [{ LC_MESSAGES: 'zh_CN.UTF-8', LANG: 'en_US.UTF-8' }, 'zh-CN'],
    [{ LANG: 'ja_JP.UTF-8' }, 'en'],
    // LANGUAGE, when set, is the whole list: the locale is not tried after it
    [{ LANGUAGE: 'zh_TW', LANG: 'zh_CN.UTF-8' }, 'en'],
    [{ LANGUAGE: 'fr:de', LANG: 'zh_CN.UTF-8' }, 'en'],
    [{ LANGUAGE: 'zh_TW:zh_CN', LANG: 'en_US.UTF-8' }, 'zh-CN'],
    [{ LANGUAGE: '', LANG: 'zh_CN.UTF-8' }, 'zh-CN'],
    [{ LANGUAGE: 'zh_CN', LANG: 'C.UTF-8' }, 'en'],
  ])('the environment %j asks for %s (as gettext reads it)', (env, lang) => {
    expect(langFromEnv(env)).toBe(lang);
  });
});

describe('laying out wide text (wrapWide)', () => {
  const pieces = fc.array(fc.constantFrom('帧', '掩码', '握手', '，', '。', '（', '）', '“', '”', ' ', 'FIN', '0x8', '192.0.2.10:51000', 'Sec-WebSocket-Accept', 'é', 'a'), { maxLength: 60 });
  it('fits every line to the width, breaks only where a line may break, and loses nothing', () => {
    fc.assert(
      fc.property(pieces, fc.integer({ min: 8, max: 80 }), (parts, width) => {
        const text = parts.join('');
        const lines = wrapWide(text, width, '  ', '    ');
        for (const l of lines) {
          expect(displayWidth(l), l).toBeLessThanOrEqual(width);
          expect(l).not.toMatch(/ $/);
        }
        // what was said is all there, in order: only the indents and the spaces where lines broke go
        const said = lines.map((l, i) => l.slice(i === 0 ? 2 : 4)).join('');
        expect(said.replace(/ /g, '')).toBe(text.replace(/ /g, ''));
      }),
      // a case it once found: a word kept with the closing punctuation after its spaces, too wide for a line
      { examples: [[['FIN', ' ', ' ', '。'], 8]], numRuns: 500 },
    );
  });

  it('keeps closing punctuation with what it closes, and opening punctuation with what it opens', () => {
    const text = '在第 19 个包（0.512913 秒）发送自己的 FIN；最后一个 ACK 结束了这条连接（操作码 0x8），完。';
    for (let width = 12; width <= 60; width++) {
      for (const l of wrapWide(text, width, '', '')) {
        expect(l, `width ${width}`).not.toMatch(/^[，。；）]/);
        expect(l, `width ${width}`).not.toMatch(/（$/);
      }
    }
  });

  it('keeps a number with the word it counts, a quoted payload whole, where they fit a line', () => {
    const kept = ['493 微秒', '4 个警告', '11 字节', '操作码 0x2）', '"Hello, wsdissect!"', '0.139348 秒'];
    const words = fc.constantFrom('往返 493 微秒', '有 4 个警告', '有效载荷 11 字节', '帧（操作码 0x2）', '做了掩码："Hello, wsdissect!"', '（0.139348 秒）', '帧', '掩码', 'FIN', 'https://example.com/a/very/long/path/to/somewhere', 'Sec-WebSocket-Accept');
    const sentence = fc.array(fc.tuple(words, fc.constantFrom(' ', '，', '：', '。', '帧')), { minLength: 1, maxLength: 30 });
    fc.assert(
      // from 12 columns: a line's 8 after the indent hold a wide character with the punctuation that closes it (秒）。)
      fc.property(sentence, fc.integer({ min: 12, max: 80 }), (parts, width) => {
        const text = parts.map(([w, sep]) => `${w}${sep}`).join('').trimEnd();
        const lines = wrapWide(text, width, '  ', '    ');
        const said = lines.map((l, i) => l.slice(i === 0 ? 2 : 4));
        for (const l of lines) expect(displayWidth(l), l).toBeLessThanOrEqual(width);
        expect(said.join('').replace(/ /g, '')).toBe(text.replace(/ /g, ''));
        // each number with its word (each quoted string) that would fit a line with the punctuation around it is on one
        for (const k of kept) {
          if (!text.includes(k) || displayWidth(k) + 6 > width - 4) continue;
          const whole = said.reduce((n, l) => n + l.split(k).length - 1, 0);
          expect(whole, `${k} in ${JSON.stringify(said)}`).toBe(text.split(k).length - 1);
        }
        // no line starts with punctuation that closes what came before it
        for (const l of said.slice(1)) expect(l, JSON.stringify(said)).not.toMatch(/^[，。：）]/);
      }),
    );
  });

  it.each([
    ['往返 493 微秒', '493 微秒'],
    ['有 4 个警告', '4 个警告'],
    ['有效载荷 11 字节', '11 字节'],
    ['（操作码 0x2）', '（操作码 0x2）'],
  ])('never parts "%s" at the space', (phrase, kept) => {
    const text = `帧 1，服务器 → 客户端：二进制帧：由应用自行解释的字节，${phrase}，FIN 置位：整条消息就在这一帧里。`;
    for (let width = 20; width <= 70; width++) {
      const lines = wrapWide(text, width, '  ', '  ');
      expect(lines.filter((l) => l.includes(kept)), `width ${width}: ${JSON.stringify(lines)}`).toHaveLength(1);
    }
  });

  it('breaks a number and its word only when they do not fit a line together, and fits the width even then', () => {
    expect(wrapWide('一共 1234567890 个帧', 12, '', '')).toEqual(['一共', '1234567890', '个帧']);
    for (let width = 4; width <= 12; width++) for (const l of wrapWide('有效载荷 1234567890123 字节', width, '', '')) expect(displayWidth(l)).toBeLessThanOrEqual(width);
  });

  it('never starts a line with closing punctuation after a word too long for a line (a URL)', () => {
    const text = '见 https://example.com/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa，然后（https://example.com/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb）：完。';
    for (let width = 10; width <= 60; width++) {
      const lines = wrapWide(text, width, '  ', '  ');
      for (const l of lines) {
        expect(displayWidth(l), `width ${width}`).toBeLessThanOrEqual(width);
        expect(l.trimStart(), `width ${width}: ${JSON.stringify(lines)}`).not.toMatch(/^[，。：）]/);
      }
    }
    // nor after a space
    expect(wrapWide('帧帧帧帧 ，帧', 8, '', '')).toEqual(['帧帧帧', '帧 ，帧']);
  });

  it('keeps a reference with what it refers to (——见 RFC 6455 §5.5)', () => {
    const text = '客户端在第 8 个包发出的 Ping 直到连接结束都没有收到服务器的 Pong——见 RFC 6455 §5.5.2。';
    for (let width = 26; width <= 80; width++) {
      const lines = wrapWide(text, width, '  ', '  ');
      expect(lines.filter((l) => l.includes('——见 RFC 6455 §5.5.2。')), `width ${width}: ${JSON.stringify(lines)}`).toHaveLength(1);
    }
  });

  // how many lines hold `kept` whole, across the lines as said (their indents taken off)
  const wholeIn = (said: string[], kept: string): number => said.reduce((n, l) => n + l.split(kept).length - 1, 0);
  const saidOf = (text: string, width: number): string[] => wrapWide(text, width, '  ', '  ').map((l) => l.slice(2));

  it('never parts a number from its unit ("5" / "字节"), at any width where the two fit a line', () => {
    const text = '帧 0 在第 8 个包（0.100000 秒），服务器 → 客户端。它是文本帧，有效载荷 5 字节，未加掩码；往返 493 微秒。';
    for (let width = 20; width <= 80; width++) {
      const said = saidOf(text, width);
      for (const kept of ['5 字节', '493 微秒', '0.100000 秒）']) expect(wholeIn(said, kept), `width ${width}: ${JSON.stringify(said)}`).toBe(1);
      expect(said.join('\n'), `width ${width}`).not.toMatch(/\b5\n字节/);
    }
  });

  it('never breaks inside "RFC 6455" (nor before its section), nor inside "39 → 66" (with its unit)', () => {
    const rfc = '服务器先关闭了 TCP，正如 RFC 6455 §7.1.1 所建议的，所以进入 TIME_WAIT 状态的是服务器；它遵循 RFC 7692 的默认值。';
    for (let width = 20; width <= 80; width++) {
      const said = saidOf(rfc, width);
      expect(wholeIn(said, 'RFC 6455 §7.1.1'), `width ${width}: ${JSON.stringify(said)}`).toBe(1);
      expect(wholeIn(said, 'RFC 7692'), `width ${width}: ${JSON.stringify(said)}`).toBe(1);
    }
    const span = '第一条压缩消息（3）能顺利解压，39 → 66 字节；压缩：客户端 1751 → 12191 字节（7.0×）。';
    for (let width = 20; width <= 80; width++) {
      const said = saidOf(span, width);
      expect(wholeIn(said, '39 → 66 字节'), `width ${width}: ${JSON.stringify(said)}`).toBe(1);
      expect(wholeIn(said, '1751 → 12191 字节'), `width ${width}: ${JSON.stringify(said)}`).toBe(1);
    }
    // an arrow between words neither ends nor starts a line
    for (let width = 20; width <= 80; width++) expect(wholeIn(saidOf('帧 3 在第 14 个包（0.500000 秒），客户端 → 服务器。', width), '客户端 → 服务器')).toBe(1);
  });

  it('never leaves one Chinese character on a line of its own', () => {
    const texts = [
      '帧 4 在第 16 个包（0.512610 秒），服务器 → 客户端。它是关闭帧（操作码 0x8），表示发送方发起关闭握手，或回复对端的关闭帧；FIN 置位（控制帧从不分片）；有效载荷 2 字节，未加掩码，状态码 1000（正常关闭）。',
      '服务器在第 16 个包（0.512610 秒）回复了自己的关闭帧（1000）：双方都同意这条 WebSocket 连接结束了，TCP 可以关闭。',
      '客户端在第 14 个包（0.500000 秒）发起关闭握手：发送一个关闭帧，状态码 1000（“正常关闭”）。发出之后，它不再发送数据。',
    ];
    for (const text of texts) {
      for (let width = 20; width <= 100; width++) {
        const said = saidOf(text, width);
        for (const l of said) expect(l, `width ${width}: ${JSON.stringify(said)}`).not.toMatch(/^[\u4e00-\u9fff][，。、：；！？）」』】〉》”’…]*$/);
        expect(said.join('').replace(/ /g, '')).toBe(text.replace(/ /g, ''));
      }
    }
    // the one it used to leave: 关 / 闭）。 at 100 columns
    expect(wrapWide(texts[0]!, 100, '  ', '  ').at(-1)).toBe('  （正常关闭）。');
  });

  it('keeps a word it knows (关闭握手, 有效载荷, 客户端, 掩码键) on one line', () => {
    const text = '帧 3 在第 14 个包（0.500000 秒），客户端 → 服务器。它是关闭帧（操作码 0x8），表示发送方发起关闭握手，或回复对端的关闭帧；FIN 置位（控制帧从不分片）；有效载荷 2 字节，已用掩码键 37fa213d 加掩码。';
    for (let width = 16; width <= 100; width++) {
      const said = saidOf(text, width);
      for (const word of ['关闭握手', '有效载荷', '客户端', '服务器', '掩码键', '关闭帧', '控制帧', '操作码']) expect(wholeIn(said, word), `${word} at width ${width}: ${JSON.stringify(said)}`).toBe(text.split(word).length - 1);
    }
    // a number's word stops before a word it would cut: 第 463 个包是 | 客户端, not 个包是客 | 户端
    const told = '第 460 个包是服务器的关闭帧（1001 端点离开）；第 463 个包是客户端回复的关闭帧（1001）。';
    for (let width = 16; width <= 80; width++) {
      const said = saidOf(told, width);
      for (const kept of ['客户端', '服务器', '463 个包', '关闭帧']) expect(wholeIn(said, kept), `${kept} at width ${width}: ${JSON.stringify(said)}`).toBe(told.split(kept).length - 1);
    }
    // a word longer than a line is still cut to fit
    for (const l of wrapWide('有效载荷有效载荷', 6, '', '')) expect(displayWidth(l)).toBeLessThanOrEqual(6);
  });

  it('reads English as wrap() does, a word at a time', () => {
    expect(wrapWide('one two three four five', 10, '', '  ')).toEqual(['one two', '  three', '  four', '  five']);
  });
});
