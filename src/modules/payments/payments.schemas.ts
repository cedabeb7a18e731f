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
