import type { Locale, T } from '#platform/i18n/index.ts';
import './procedures.messages.ts';
import type { Text } from './procedures.schemas.ts';

/** A catalogue text in the page's language: the English when there is one, else the Vietnamese. */
export function localText(text: Text, locale: Locale): string {
  return locale === 'en' && text.en ? text.en : text.vi;
}

const numberFormat = {
  vi: new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 }),
  en: new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 }),
};

/** "2.000 đồng" in Vietnamese, "2,000 đồng" in English. */
export function formatMoney(amount: number, locale: Locale = 'vi'): string {
  return `${numberFormat[locale].format(amount)} đồng`;
}

/**
 * Processing time in plain words: "Trong ngày làm việc" for 0, "Nửa ngày làm việc", "3 ngày làm
 * việc"; in calendar days "30 ngày (tính cả thứ Bảy, Chủ nhật và ngày lễ)".
 */
export function daysInWords(
  days: number,
  t: T,
  locale: Locale,
  unit: 'working' | 'calendar' = 'working',
): string {
  if (unit === 'calendar' && days > 0)
    return t('procedures:days.calendar', { n: numberFormat[locale].format(days) });
  if (days === 0) return t('procedures:days.zero');
  if (days === 0.5) return t('procedures:days.half');
  if (days === 1) return t('procedures:days.one');
  return t('procedures:days.many', { n: numberFormat[locale].format(days) });
}
