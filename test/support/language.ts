/**
 * Checks that a page rendered in English kept no Vietnamese label: the text of `<main>` (and the
 * title), without tags, inline SVG text excepted only when asked, must hold no letter that only
 * Vietnamese uses once the given data (names of people and places, codes, legal citations) is
 * taken out.
 */

const VIETNAMESE = /[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]/i;

/** The visible text of the page's title and main part (SVG text included: chart labels are visible). */
export function visibleText(html: string): string {
  const title = /<title>([^<]*)<\/title>/.exec(html)?.[1] ?? '';
  const main = /<main[^>]*>([\s\S]*)<\/main>/.exec(html)?.[1];
  // Without a main part there is nothing to check, and a check of nothing would always pass.
  if (main === undefined) throw new Error(`no <main> in the page: ${html.slice(0, 200)}`);
  return `${title} ${main}`
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ');
}

/** The words with Vietnamese letters left in the page once `data` is taken out; [] when none. */
export function vietnameseLeft(html: string, data: string[] = []): string[] {
  let text = visibleText(html).normalize('NFC');
  // The product's name is a name in every language.
  for (const d of ['Xã Số', ...data]) text = text.replaceAll(d.normalize('NFC'), ' ');
  return text.split(/\s+/).filter((w) => VIETNAMESE.test(w));
}
