// The languages the terminal views speak, and how one is chosen: --lang, or
// the locale's environment as gettext reads it (LANGUAGE, then LC_ALL,
// LC_MESSAGES, LANG). English is the default; the JSON, NDJSON and HTML
// exports stay in English whatever the language (their text fields are part
// of the contract, and the codes are what a program should read).

export type Lang = 'en' | 'zh-CN';

export const LANGS: readonly Lang[] = ['en', 'zh-CN'];

/**
 * A language from a name as people write it: "zh-CN", "zh_CN.UTF-8",
 * "zh-Hans", "zh" (Simplified Chinese); "en", "en_GB", "C", "POSIX"
 * (English); null for a language not spoken (Traditional Chinese among them).
 */
export function parseLang(name: string): Lang | null {
  const base = name.trim().split(/[.@]/)[0]!.replace('_', '-').toLowerCase();
  if (base === '') return null;
  if (base === 'c' || base === 'posix' || base === 'en' || base.startsWith('en-')) return 'en';
  if (base === 'zh' || base === 'zh-cn' || base === 'zh-sg' || base === 'zh-hans' || base.startsWith('zh-hans-')) return 'zh-CN';
  return null;
}

/**
 * The language the environment asks for, as GNU gettext finds it: the locale
 * for messages is LC_ALL, else LC_MESSAGES, else LANG. When that locale is
 * "C" (or unset), English. Otherwise LANGUAGE, when set and not empty, is the
 * list of languages to try in order, and the locale is not tried after it:
 * when none of them is spoken, English (the messages as written). Only
 * without LANGUAGE does the locale itself choose.
 */
export function langFromEnv(env: Readonly<Record<string, string | undefined>>): Lang {
  const locale = env['LC_ALL'] || env['LC_MESSAGES'] || env['LANG'] || '';
  const plain = locale === '' || locale === 'C' || locale === 'POSIX' || locale.startsWith('C.');
  if (plain) return 'en';
  const language = env['LANGUAGE'] ?? '';
  const preferences = language !== '' ? language.split(':').filter((x) => x !== '') : [locale];
  for (const p of preferences) {
    const lang = parseLang(p);
    if (lang !== null) return lang;
  }
  return 'en';
}
