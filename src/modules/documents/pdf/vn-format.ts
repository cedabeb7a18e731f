/**
 * Dates and times as Vietnamese administrative papers write them, always in Asia/Ho_Chi_Minh
 * (UTC+7 all year), whatever the server's time zone.
 */

const PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Ho_Chi_Minh',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

export interface VnParts {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
}

export function vnParts(at: Date): VnParts {
  const out: Record<string, string> = {};
  for (const p of PARTS.formatToParts(at)) out[p.type] = p.value;
  return {
    year: out.year ?? '',
    month: out.month ?? '',
    day: out.day ?? '',
    hour: out.hour ?? '',
    minute: out.minute ?? '',
  };
}

/** "09 giờ 05 phút, ngày 22 tháng 11 năm 2026" (the receipt slip's form, DOMAIN.md). */
export function vnDateTime(at: Date): string {
  const p = vnParts(at);
  return `${p.hour} giờ ${p.minute} phút, ngày ${p.day} tháng ${p.month} năm ${p.year}`;
}

/** "ngày 22 tháng 11 năm 2026". */
export function vnDate(at: Date): string {
  const p = vnParts(at);
  return `ngày ${p.day} tháng ${p.month} năm ${p.year}`;
}

/** "22/11/2026 09:05", for tables where the long form does not fit. */
export function vnShort(at: Date): string {
  const p = vnParts(at);
  return `${p.hour}:${p.minute} ${p.day}/${p.month}/${p.year}`;
}

/** "Mẫu Sơn, ngày 22 tháng 11 năm 2026": the place-and-date line under the national motto. */
export function placeAndDate(placeName: string, at: Date): string {
  return `${placeName}, ${vnDate(at)}`;
}

const MONEY = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 0 });

/** "25.000 đồng". */
export function vnMoney(amount: number): string {
  return `${MONEY.format(amount)} đồng`;
}
