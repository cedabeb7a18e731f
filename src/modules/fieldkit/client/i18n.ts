/** The kit's texts in the browser: the same dictionary the server registers, looked up by key. */
import { KIT_MESSAGES, WEB_FORM_MESSAGES } from '../fieldkit.messages.ts';

export type Locale = 'vi' | 'en';
export type T = (key: string, vars?: Record<string, unknown>) => string;

type Tree = { readonly [k: string]: string | Tree };

function lookup(tree: Tree, path: string[]): string | undefined {
  let node: string | Tree | undefined = tree;
  for (const p of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = node[p];
  }
  return typeof node === 'string' ? node : undefined;
}

export function localeOfPage(): Locale {
  const m = /(?:^|;\s*)lang=(vi|en)/.exec(document.cookie);
  if (m) return m[1] as Locale;
  return document.documentElement.lang === 'en' ? 'en' : 'vi';
}

export function makeT(locale: Locale): T {
  const trees: Record<string, Tree> = {
    fieldkit: KIT_MESSAGES[locale] as unknown as Tree,
    web: WEB_FORM_MESSAGES[locale] as unknown as Tree,
  };
  return (key, vars) => {
    const [ns = '', rest = ''] = key.split(':');
    const tree = trees[ns];
    const path = rest.split('.');
    let text: string | undefined;
    if (tree && vars && typeof vars.count === 'number') {
      const last = path[path.length - 1];
      const plural = vars.count === 1 && locale === 'en' ? 'one' : 'other';
      text = lookup(tree, [...path.slice(0, -1), `${last}_${plural}`]);
    }
    text ??= tree ? lookup(tree, path) : undefined;
    if (text === undefined) return key;
    return vars ? text.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(vars[k] ?? '')) : text;
  };
}
