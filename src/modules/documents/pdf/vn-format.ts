/**
 * Dates and times as Vietnamese administrative papers write them, always in Asia/Ho_Chi_Minh
 * (UTC+7 all year), whatever the server's time zone: the names the documents' forms use, over the
 * platform's date module.
 */

import {
  formatDateLong,
  formatDateTime,
  formatDateTimeLong,
  VIETNAM_UTC_OFFSET_MS,
} from '#platform/i18n/dates.ts';

export interface VnParts {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
}

export function vnParts(at: Date): VnParts {
  const l = new Date(at.getTime() + VIETNAM_UTC_OFFSET_MS).toISOString();
  return {
    year: l.slice(0, 4),
    month: l.slice(5, 7),
    day: l.slice(8, 10),
    hour: l.slice(11, 13),
    minute: l.slice(14, 16),
  };
}

/** "09 giờ 05 phút, ngày 22 tháng 11 năm 2026" (the receipt slip's form, DOMAIN.md). */
export const vnDateTime = (at: Date): string => formatDateTimeLong(at);

/** "ngày 22 tháng 11 năm 2026". */
export const vnDate = (at: Date): string => formatDateLong(at);

/** "09:05 22/11/2026", for tables where the long form does not fit. */
export const vnShort = (at: Date): string => formatDateTime(at);

/** "Mẫu Sơn, ngày 22 tháng 11 năm 2026": the place-and-date line under the national motto. */
export function placeAndDate(placeName: string, at: Date): string {
  return `${placeName}, ${vnDate(at)}`;
}

const MONEY = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 0 });

/** "25.000 đồng". */
export function vnMoney(amount: number): string {
  return `${MONEY.format(amount)} đồng`;
}
