import { z } from 'zod';
import { dateSchema } from '#platform/i18n/dates.ts';
import { msg } from '#platform/validation.ts';
import { CAP_CATEGORY, CAP_CERTAINTY, CAP_SEVERITY, CAP_URGENCY } from './broadcast.cap.ts';
import { EVERY_DAY } from './broadcast.schedule.ts';
import { PRIORITIES } from './broadcast.tables.ts';
import { ESPEAK_VOICES } from './tts/index.ts';

/** One schema per form or endpoint, written for the people who fill it in, not derived from tables. */

const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .transform((s) => s.normalize('NFC'));

/** An HTML form sends one value as a string and several as an array. */
const many = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(item));

const placeCode = z
  .string()
  .trim()
  .regex(/^\d{2,5}(\.\d{2,3})?$/, msg('Mã địa bàn không hợp lệ.', 'Not a valid place code.'));

export const NewCluster = z.object({
  placeCode,
  name: text(100),
  latitude: z.coerce.number().min(-90).max(90).optional(),
  longitude: z.coerce.number().min(-180).max(180).optional(),
  languages: z
    .string()
    .trim()
    .default('vi')
    .transform((s) =>
      s
        .split(/[,\s]+/)
        .map((x) => x.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[a-z]{2,3}(-[a-z0-9]{2,8})*$/)).min(1)),
  volume: z.coerce.number().int().min(0).max(100).default(70),
});
export type NewCluster = z.infer<typeof NewCluster>;

export const ClusterUpdate = z.object({
  name: text(100).optional(),
  volume: z.coerce.number().int().min(0).max(100).optional(),
  disabled: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});
export type ClusterUpdate = z.infer<typeof ClusterUpdate>;

export const VOICE_IDS = ESPEAK_VOICES.map((v) => v.id) as [string, ...string[]];

export const NewBulletin = z.object({
  title: text(200),
  body: z
    .string()
    .trim()
    .max(5000)
    .transform((s) => s.normalize('NFC'))
    .optional(),
  priority: z.enum(PRIORITIES).default('normal'),
  voice: z.string().max(50).optional(),
});
export type NewBulletin = z.infer<typeof NewBulletin>;

export const RejectForm = z.object({ note: text(1000) });
export type RejectForm = z.infer<typeof RejectForm>;

const time = z
  .string()
  .trim()
  .regex(/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/, msg('Giờ phát dạng 06:30.', 'A time such as 06:30.'));
const day = dateSchema();

export const ScheduleForm = z
  .object({
    programmeId: z.coerce.number().int().positive(),
    startTime: time,
    /** ISO weekdays 1 (Monday) … 7 (Sunday); none ticked means every day. */
    days: many(z.coerce.number().int().min(1).max(7)),
    startDate: day,
    endDate: day.optional(),
    repeat: z.coerce.number().int().min(1).max(5).default(1),
  })
  .refine((s) => !s.endDate || s.endDate >= s.startDate, {
    path: ['endDate'],
    message: msg('Ngày kết thúc phải sau ngày bắt đầu.', 'The end date must not be before the start date.'),
  })
  .transform(({ days, ...rest }) => ({
    ...rest,
    weekdays: days.length === 0 ? EVERY_DAY : days.reduce((mask, d) => mask | (1 << (d - 1)), 0),
  }));
export type ScheduleForm = z.infer<typeof ScheduleForm>;

export const ProgrammeForm = z.object({
  name: text(100),
  clusterIds: many(z.coerce.number().int().positive()).pipe(
    z.array(z.number()).min(1, msg('Chọn ít nhất một cụm loa.', 'Choose at least one cluster.')),
  ),
});
export type ProgrammeForm = z.infer<typeof ProgrammeForm>;

/** Step one of "Phát khẩn cấp": what to say, where, how often. */
export const EmergencyForm = z.object({
  headline: text(160),
  instruction: text(2000),
  event: text(100).default('Cảnh báo khẩn cấp'),
  category: z.enum(CAP_CATEGORY).default('Met'),
  severity: z.enum(CAP_SEVERITY).default('Severe'),
  urgency: z.enum(CAP_URGENCY).default('Immediate'),
  certainty: z.enum(CAP_CERTAINTY).default('Observed'),
  targets: many(placeCode).pipe(
    z.array(z.string()).min(1, msg('Chọn ít nhất một thôn, bản.', 'Choose at least one village.')),
  ),
  repeat: z.coerce.number().int().min(1).max(10).default(3),
  expiresMinutes: z.coerce.number().int().min(10).max(1440).default(120),
  voice: z.string().max(50).optional(),
  /** An emergency draft already written or recorded on the compose page, to play instead of the voice. */
  recordedBulletinId: z.coerce.number().int().positive().optional(),
});
export type EmergencyForm = z.infer<typeof EmergencyForm>;

/** Step two: the operator has heard the preview and confirms. */
export const EmergencyConfirm = EmergencyForm.extend({
  bulletinId: z.coerce.number().int().positive(),
  confirm: z.literal('yes', msg('Hãy xác nhận để phát.', 'Confirm to broadcast.')),
});
export type EmergencyConfirm = z.infer<typeof EmergencyConfirm>;

export const ReportQuery = z.object({
  from: day.optional(),
  to: day.optional(),
  minutes: z.coerce.number().int().min(1).max(100_000).default(30),
});
export type ReportQuery = z.infer<typeof ReportQuery>;

// ── API ────────────────────────────────────────────────────────────────────────────────────

export const ClusterOut = z.object({
  id: z.number(),
  code: z.string(),
  name: z.string(),
  placeCode: z.string().optional(),
  placeName: z.string(),
  languages: z.array(z.string()),
  volume: z.number(),
  status: z.enum(['never', 'online', 'offline']),
  lastSeenAt: z.string().nullable(),
  scheduleVersion: z.number(),
  acknowledgedVersion: z.number(),
  disabled: z.boolean(),
});
export type ClusterOut = z.infer<typeof ClusterOut>;

export const AlertOut = z.object({
  id: z.number(),
  identifier: z.string(),
  sender: z.string(),
  sent: z.string(),
  status: z.string(),
  msgType: z.string(),
  event: z.string(),
  headline: z.string().nullable(),
  broadcast: z.boolean(),
  devices: z.number(),
  cancelled: z.number(),
});
export type AlertOut = z.infer<typeof AlertOut>;
