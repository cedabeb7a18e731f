import { z } from 'zod';
import { msg } from '#platform/validation.ts';

/**
 * A number people copy in groups ("1234 5678 901", "1234-5678"), which the bank writes without:
 * the groups are joined before `pattern` is checked.
 */
const ungrouped = (pattern: RegExp, message: string) =>
  z
    .string()
    .trim()
    .transform((v) => v.replace(/[\s.-]/g, ''))
    .pipe(z.string().regex(pattern, message));

/**
 * The form an admin fills to set a place's bank account for fees (written for the form, not derived
 * from the table). The same limits as the PAYMENT_* configuration, so either source fits VietQR.
 */
export const PaymentAccountForm = z.object({
  bin: ungrouped(
    /^[0-9]{6}$/,
    msg(
      'Mã BIN ngân hàng gồm đúng 6 chữ số (ví dụ 970405 là Agribank).',
      'The bank BIN is exactly 6 digits (for example 970405 is Agribank).',
    ),
  ),
  number: ungrouped(
    /^[0-9A-Za-z]{4,19}$/,
    msg(
      'Số tài khoản gồm 4 đến 19 chữ số hoặc chữ cái, không có ký tự khác.',
      'The account number is 4 to 19 digits or letters, nothing else.',
    ),
  ),
  name: z
    .string()
    .trim()
    .transform((v) => v.replace(/\s+/g, ' '))
    .pipe(z.string().min(1).max(70)),
});
export type PaymentAccountForm = z.output<typeof PaymentAccountForm>;

/** "01blp0-001" → "01BLP0-001": symbols are written in capitals, without spaces. */
const symbol = (message: string) =>
  z
    .string()
    .trim()
    .transform((v) => v.replace(/\s+/g, '').toUpperCase())
    .pipe(z.string().regex(/^[0-9A-Z][0-9A-Z/.-]{0,19}$/, message));

/**
 * The receipt series a commune (or province) declares on the payments account page: exactly as in
 * the announcement of issue its tax office accepted (docs/rules.md § Payments and receipts; the
 * symbols' exact format under Circular 78/2021/TT-BTC is not confirmed, so only their characters
 * are checked).
 */
export const ReceiptSeriesForm = z.object({
  templateCode: symbol(
    msg(
      'Ký hiệu mẫu số: 1 đến 20 chữ cái, chữ số hoặc dấu / . -, ghi đúng như thông báo phát hành biên lai.',
      'Template symbol: 1 to 20 letters, digits or / . -, exactly as in the announcement of issue.',
    ),
  ),
  series: symbol(
    msg(
      'Ký hiệu biên lai: 1 đến 20 chữ cái, chữ số hoặc dấu / . -, ghi đúng như thông báo phát hành biên lai.',
      'Series symbol: 1 to 20 letters, digits or / . -, exactly as in the announcement of issue.',
    ),
  ),
  taxCode: z
    .string()
    .trim()
    .transform((v) => v.replace(/\s+/g, ''))
    .pipe(
      z
        .string()
        .regex(
          /^[0-9]{10}(-[0-9]{3})?$/,
          msg(
            'Mã số thuế gồm 10 chữ số (đơn vị phụ thuộc: 10 chữ số, dấu gạch ngang và 3 chữ số).',
            'The tax code is 10 digits (a dependent unit: 10 digits, a dash and 3 digits).',
          ),
        ),
    ),
  unitName: z
    .string()
    .trim()
    .transform((v) => v.replace(/\s+/g, ' '))
    .pipe(z.string().min(1).max(200)),
  firstNumber: z.coerce
    .number()
    .int(msg('Số bắt đầu là số nguyên.', 'The first number is a whole number.'))
    .min(1, msg('Số bắt đầu từ 1 trở lên.', 'The first number is 1 or more.'))
    .max(9_999_999, msg('Số bắt đầu tối đa 9.999.999.', 'The first number is at most 9,999,999.'))
    .optional(),
});
export type ReceiptSeriesForm = z.output<typeof ReceiptSeriesForm>;
