import { z } from 'zod';
import { ROLES } from '#platform/auth/actor.ts';
import { msg, phoneSchema } from '#platform/validation.ts';

const code6 = z
  .string()
  .trim()
  .regex(/^\d{6}$/, msg('Mã gồm 6 chữ số.', 'The code has 6 digits.'));

export const StaffSignIn = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
  totp: code6.optional(),
});
export type StaffSignIn = z.infer<typeof StaffSignIn>;

export const CitizenCodeRequest = z.object({ phone: phoneSchema });
export const CitizenCodeVerify = z.object({ phone: phoneSchema, code: code6 });

export const TotpConfirm = z.object({ code: code6 });

const password = z
  .string()
  .min(10, msg('Mật khẩu cần ít nhất 10 ký tự.', 'The password needs at least 10 characters.'))
  .max(256);

export const NewUser = z.object({
  username: z
    .string()
    .trim()
    .toLowerCase()
    .regex(
      /^[a-z0-9._-]{3,64}$/,
      msg(
        'Tên đăng nhập 3–64 ký tự: chữ không dấu, số, dấu chấm, gạch.',
        'Username: 3–64 characters, letters without diacritics, digits, dot, dash, underscore.',
      ),
    ),
  displayName: z.string().trim().min(1).max(120),
  password,
  email: z.email().optional(),
  phone: phoneSchema.optional(),
  role: z.enum(ROLES),
  placeCode: z.string().trim().min(1).max(20),
});
export type NewUser = z.infer<typeof NewUser>;

export const NewGrant = z.object({
  role: z.enum(ROLES),
  placeCode: z.string().trim().min(1).max(20),
});
export type NewGrant = z.infer<typeof NewGrant>;

export const TokenOut = z.object({
  token: z.string(),
  tokenType: z.literal('Bearer'),
  expiresAt: z.string(),
});
