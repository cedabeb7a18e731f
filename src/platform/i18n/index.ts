import i18next from 'i18next';

/** Vietnamese first; English second. Each module registers its own messages under a namespace. */
export const LOCALES = ['vi', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'vi';

type Messages = { [key: string]: string | Messages };

const i18n = i18next.createInstance();
await i18n.init({
  lng: DEFAULT_LOCALE,
  fallbackLng: DEFAULT_LOCALE,
  supportedLngs: [...LOCALES],
  resources: {},
  initAsync: false,
  // Pages are rendered by Preact, which escapes; escaping here would escape twice.
  interpolation: { escapeValue: false },
  returnNull: false,
});

/**
 * Messages without variables, as translated once. i18next resolves a key anew on every call, and
 * hot pages (tracking) call it for every status and label; new messages clear it.
 */
const plain = new Map<Locale, Map<string, string>>(LOCALES.map((l) => [l, new Map()]));

export function addMessages(namespace: string, messages: Record<Locale, Messages>) {
  for (const locale of LOCALES) i18n.addResourceBundle(locale, namespace, messages[locale], true, true);
  for (const m of plain.values()) m.clear();
}

export type T = (key: string, vars?: Record<string, unknown>) => string;

/** `t('places:search.title')` in the given locale. */
export function translator(locale: Locale): T {
  const fixed = i18n.getFixedT(locale) as unknown as T;
  const known = plain.get(locale) ?? new Map<string, string>();
  return (key, vars) => {
    if (vars) return fixed(key, vars);
    let text = known.get(key);
    if (text === undefined) {
      text = fixed(key);
      known.set(key, text);
    }
    return text;
  };
}

export function isLocale(v: unknown): v is Locale {
  return typeof v === 'string' && (LOCALES as readonly string[]).includes(v);
}
