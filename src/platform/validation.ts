import { z } from 'zod';
import { type Bilingual, type FieldError, Invalid } from './errors.ts';

/**
 * Every validation message exists in Vietnamese and English. Zod carries one string per issue, so
 * both languages travel together in it, joined by a separator that no message contains, and are
 * split again by `fieldErrors`. Schema authors write `msg('…', '…')` for their own messages.
 */
const SEP = '\u241F';

export function msg(vi: string, en: string): string {
  return `${vi}${SEP}${en}`;
}

export function splitMessage(message: string): Bilingual {
  const at = message.indexOf(SEP);
  return at < 0
    ? { vi: message, en: message }
    : { vi: message.slice(0, at), en: message.slice(at + SEP.length) };
}

const viLocale = z.locales.vi();
const enLocale = z.locales.en();

function localeText(locale: { localeError: z.core.$ZodErrorMap }, issue: z.core.$ZodRawIssue): string {
  const r = locale.localeError(issue);
  return typeof r === 'string' ? r : (r?.message ?? '');
}

function isBlank(v: unknown) {
  return v === undefined || v === null || v === '';
}

function bilingual(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (isBlank(issue.input)) return msg('Vui lòng nhập thông tin này.', 'This field is required.');
      break;
    case 'too_small':
      if (issue.origin === 'string') {
        return Number(issue.minimum) <= 1
          ? msg('Vui lòng nhập thông tin này.', 'This field is required.')
          : msg(`Cần ít nhất ${issue.minimum} ký tự.`, `Must be at least ${issue.minimum} characters.`);
      }
      if (issue.origin === 'array' || issue.origin === 'set') {
        return msg(`Cần ít nhất ${issue.minimum} mục.`, `Needs at least ${issue.minimum} items.`);
      }
      return msg(`Phải từ ${issue.minimum} trở lên.`, `Must be ${issue.minimum} or more.`);
    case 'too_big':
      if (issue.origin === 'string') {
        return msg(`Tối đa ${issue.maximum} ký tự.`, `Must be at most ${issue.maximum} characters.`);
      }
      if (issue.origin === 'array' || issue.origin === 'set') {
        return msg(`Tối đa ${issue.maximum} mục.`, `At most ${issue.maximum} items.`);
      }
      return msg(`Không được lớn hơn ${issue.maximum}.`, `Must be ${issue.maximum} or less.`);
    case 'invalid_format':
      if (issue.format === 'email') return msg('Địa chỉ email không hợp lệ.', 'Not a valid email address.');
      if (issue.format === 'url') return msg('Địa chỉ web không hợp lệ.', 'Not a valid URL.');
      return msg('Định dạng không hợp lệ.', 'Not in the expected format.');
    case 'invalid_value':
      return msg('Vui lòng chọn một giá trị trong danh sách.', 'Please choose one of the allowed values.');
    case 'unrecognized_keys':
      return msg(
        `Trường không được nhận: ${issue.keys.join(', ')}.`,
        `Unknown fields: ${issue.keys.join(', ')}.`,
      );
  }
  return msg(localeText(viLocale, issue), localeText(enLocale, issue));
}

z.config({ customError: bilingual });

export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    field: issue.path.length ? issue.path.join('.') : '_',
    ...splitMessage(issue.message),
  }));
}

/** Parse or throw `Invalid` with field-by-field bilingual messages. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new Invalid(fieldErrors(result.error));
  return result.data;
}

/** HTML forms send "" for an untouched field; treat it as absent so optional fields stay optional. */
export function blankToUndefined(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object') return {};
  return Object.fromEntries(
    Object.entries(body as Record<string, unknown>).map(([k, v]) => [
      k,
      typeof v === 'string' && v.trim() === '' ? undefined : v,
    ]),
  );
}

/** Vietnamese mobile numbers: 10 digits starting 0, or +84/84 followed by 9 digits; stored as 0xxxxxxxxx. */
export const phoneSchema = z
  .string()
  .trim()
  .transform((v) => v.replace(/[\s.-]/g, '').replace(/^(\+?84)/, '0'))
  .pipe(
    z
      .string()
      .regex(
        /^0[35789]\d{8}$/,
        msg(
          'Số điện thoại di động không hợp lệ (10 chữ số, bắt đầu bằng 0).',
          'Not a valid Vietnamese mobile number (10 digits starting with 0).',
        ),
      ),
  );
