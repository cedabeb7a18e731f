import { z } from 'zod';
import { msg } from '../validation.ts';
import type { Locale } from './index.ts';

/**
 * Dates and times as people in Vietnam write them, for pages and messages: one module for the
 * whole platform (decision 035). People read and type dd/mm/yyyy; machines (the database, CSV, the
 * JSON API, OpenAPI) keep ISO 8601 'yyyy-mm-dd', so every date a form takes is stored in ISO.
 *
 * Asia/Ho_Chi_Minh has been UTC+7 without summer time since 1975, so a fixed offset gives the same
 * answers as the time-zone database and no Intl/ICU difference between Node builds.
 */

/** A civil date in Vietnam, 'yyyy-mm-dd': the machine format, stored and serialised as is. */
export type IsoDate = string;

export const VIETNAM_UTC_OFFSET_MS = 7 * 3_600_000;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Day, month, year as written by hand: 15/03/2026, 5/3/2026, 15-03-2026, 15.03.2026. */
const WRITTEN_DATE = /^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})$/;

const pad = (n: number | string) => String(n).padStart(2, '0');

/** Vietnam's wall clock at an instant, as the parts of an ISO string ('2026-03-15T08:05'). */
function local(instant: Date): string {
  return new Date(instant.getTime() + VIETNAM_UTC_OFFSET_MS).toISOString();
}

/** The civil date in Vietnam at an instant. */
export function vietnamDate(instant: Date): IsoDate {
  return local(instant).slice(0, 10);
}

/** The ISO date of a real calendar day, or undefined (2026-02-30 is no day). */
function realDate(year: number, month: number, day: number): IsoDate | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return undefined;
  return `${String(year).padStart(4, '0')}-${pad(month)}-${pad(day)}`;
}

/**
 * What a person typed in a date field, as an ISO date: dd/mm/yyyy (also with '-' or '.', one-digit
 * day or month) or ISO yyyy-mm-dd (what a browser's date picker sends). Undefined when it is not
 * a real date.
 */
export function parseDate(input: string): IsoDate | undefined {
  const text = input.trim();
  const iso = ISO_DATE.exec(text);
  if (iso) return realDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const written = WRITTEN_DATE.exec(text);
  if (written) return realDate(Number(written[3]), Number(written[2]), Number(written[1]));
  return undefined;
}

/**
 * dd/mm/yyyy: an instant's date in Vietnam, or an ISO date. A string that is not an ISO date (an
 * answer a person typed and the form kept) is shown as written.
 */
export function formatDate(value: Date | IsoDate): string {
  const iso = typeof value === 'string' ? value : vietnamDate(value);
  const m = ISO_DATE.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

/** HH:mm, Vietnam time. */
export function formatTime(instant: Date): string {
  return local(instant).slice(11, 16);
}

/** 'HH:mm dd/mm/yyyy' ('HH:mm:ss dd/mm/yyyy' with seconds, for logs), Vietnam time. */
export function formatDateTime(instant: Date, opts: { seconds?: boolean } = {}): string {
  const time = opts.seconds ? local(instant).slice(11, 19) : formatTime(instant);
  return `${time} ${formatDate(instant)}`;
}

/** 'ngày 15 tháng 03 năm 2026', as administrative papers write a date. */
export function formatDateLong(value: Date | IsoDate): string {
  const iso = typeof value === 'string' ? value : vietnamDate(value);
  const m = ISO_DATE.exec(iso);
  return m ? `ngày ${m[3]} tháng ${m[2]} năm ${m[1]}` : iso;
}

/** '08 giờ 05 phút, ngày 15 tháng 03 năm 2026', as the receipt slip writes a moment. */
export function formatDateTimeLong(instant: Date): string {
  const l = local(instant);
  return `${l.slice(11, 13)} giờ ${l.slice(14, 16)} phút, ${formatDateLong(instant)}`;
}

/** The example under a date field, in the page's language. */
export function dateHint(locale: Locale): string {
  return locale === 'en' ? 'Day/month/year, e.g. 15/03/2026' : 'Ngày/tháng/năm, ví dụ 15/03/2026';
}

const INVALID_DATE = msg(
  'Ghi ngày theo dạng ngày/tháng/năm, ví dụ 15/03/2026.',
  'Write the date as day/month/year, e.g. 15/03/2026.',
);

/**
 * A date field of a form: takes dd/mm/yyyy or ISO, gives the ISO date (what is stored), or the
 * bilingual message when the text is not a real date.
 */
export function dateSchema(message: string = INVALID_DATE) {
  return z
    .string()
    .trim()
    .transform((v, ctx) => {
      const iso = parseDate(v);
      if (iso === undefined) {
        ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      }
      return iso;
    });
}
