import { z } from 'zod';
import { msg } from '#platform/validation.ts';

/** The agency code the portal knows a commune by (mã định danh, QCVN 102:2016): 000.00.00.H15, H15.50.05.13. */
export const agencyCode = z
  .string()
  .trim()
  .max(50, msg('Tối đa 50 ký tự.', 'At most 50 characters.'))
  .regex(
    /^[A-Za-z0-9]+(\.[A-Za-z0-9]+)*$/,
    msg(
      'Mã đơn vị gồm chữ và số, ngăn bằng dấu chấm, ví dụ H15.50.05.13.',
      'An agency code is letters and digits separated by dots, e.g. H15.50.05.13.',
    ),
  );

/** A commune's (or province's) connection to the portal: its agency code and whether it is on. */
export const PlaceSyncForm = z
  .object({
    madonvi: agencyCode.optional(),
    enabled: z
      .enum(['on', 'true', '1'])
      .optional()
      .transform((v) => v !== undefined),
  })
  .superRefine((v, ctx) => {
    if (v.enabled && !v.madonvi) {
      ctx.addIssue({
        code: 'custom',
        path: ['madonvi'],
        message: msg(
          'Cần mã đơn vị trên Cổng DVCQG để bật đồng bộ.',
          'Sync needs the agency code the portal knows this place by.',
        ),
      });
    }
  });
export type PlaceSyncForm = z.infer<typeof PlaceSyncForm>;

export const NATIONAL_CODES = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'] as const;

export const StatusMapForm = z.object({
  step: z.string().min(1).max(40),
  localStatus: z.coerce.number().int().min(1).max(10),
  national: z.enum(
    NATIONAL_CODES,
    msg('Chọn một mã trạng thái từ 1 đến 10.', 'Choose a status code from 1 to 10.'),
  ),
});

export const MappingForm = z.object({
  maTthc: z
    .string()
    .trim()
    .regex(
      /^\d\.\d{6}(\.[A-Za-z0-9.]+)?$/,
      msg('Mã thủ tục quốc gia dạng 1.001193.', 'A national procedure code looks like 1.001193.'),
    ),
});

export const ReconcileForm = z.object({
  place: z
    .string()
    .trim()
    .regex(/^[0-9A-Za-z.]{1,20}$/, msg('Chọn đơn vị.', 'Choose a place.')),
  month: z
    .string()
    .trim()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, msg('Tháng dạng 2026-11.', 'A month looks like 2026-11.')),
});
export type ReconcileForm = z.infer<typeof ReconcileForm>;
