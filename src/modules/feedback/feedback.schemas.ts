import { z } from 'zod';
import { ROLES, type Role } from '#platform/auth/actor.ts';
import { msg, phoneSchema } from '#platform/validation.ts';
import { NATIONAL_STAGE_DAYS, STATUSES } from './feedback.workflow.ts';

/** Forms and endpoints of the feedback module, written on purpose (not derived from the tables). */

const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((s) => s.normalize('NFC'));

/** People type "21,85" as often as "21.85". */
const coordinate = (min: number, max: number, field: string) =>
  z
    .union([z.number(), z.string().trim()])
    .transform((v) => (typeof v === 'number' ? v : Number(v.replace(',', '.'))))
    .pipe(
      z
        .number()
        .min(min, msg(`${field} phải từ ${min} đến ${max}.`, `${field} must be between ${min} and ${max}.`))
        .max(max, msg(`${field} phải từ ${min} đến ${max}.`, `${field} must be between ${min} and ${max}.`)),
    );
export const latSchema = coordinate(-90, 90, 'Vĩ độ');
export const longSchema = coordinate(-180, 180, 'Kinh độ');

const placeCode = z
  .string()
  .trim()
  .regex(/^[0-9A-Za-z.]{1,20}$/, msg('Mã địa bàn không hợp lệ.', 'Not a valid place code.'));

export const categoryCode = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^[a-z][a-z0-9-]{1,39}$/,
    msg(
      'Mã lĩnh vực: 2–40 chữ thường không dấu, số, gạch ngang.',
      'Category code: 2–40 lower-case letters, digits, dashes.',
    ),
  );

const description = text(4000).pipe(
  z
    .string()
    .min(
      10,
      msg(
        'Vui lòng mô tả rõ hơn (ít nhất 10 ký tự): việc gì, ở đâu, từ bao giờ.',
        'Please say a little more (at least 10 characters): what, where, since when.',
      ),
    ),
);

/** The reporting form (web and counter). */
export const ReportForm = z
  .object({
    category: categoryCode,
    commune: placeCode,
    village: placeCode.optional(),
    description,
    landmark: text(300).optional(),
    lat: latSchema.optional(),
    long: longSchema.optional(),
    name: text(120).optional(),
    phone: phoneSchema.optional(),
    email: z.email().max(200).optional(),
    key: z.uuid().optional(),
  })
  .refine((r) => (r.lat === undefined) === (r.long === undefined), {
    path: ['long'],
    message: msg(
      'Nhập cả vĩ độ và kinh độ, hoặc bỏ trống cả hai.',
      'Give both latitude and longitude, or neither.',
    ),
  });
export type ReportForm = z.infer<typeof ReportForm>;

/** What a report is made of, whichever door it came in by. */
export interface NewReport {
  categoryCode: string;
  placeCode: string;
  description: string;
  landmark?: string | undefined;
  lat?: number | undefined;
  long?: number | undefined;
  mediaUrl?: string | undefined;
  contactName?: string | undefined;
  contactPhone?: string | undefined;
  contactEmail?: string | undefined;
  idempotencyKey?: string | undefined;
  /**
   * The dossier a complaint is about (its code). Accepted only when `contactPhone` is the phone the
   * dossier was filed with: the Decision 766 index counts such complaints against the dossier.
   */
  dossierCode?: string | undefined;
}

// Handling

export const AcknowledgeForm = z.object({ category: categoryCode.optional() });
export const AssignForm = z.object({
  assignee: z.union([z.literal('me'), z.coerce.number().int().positive()]),
});
export const NoteForm = z.object({ note: text(4000).pipe(z.string().min(1)) });
export const ReplyForm = z.object({
  reply: text(4000).pipe(
    z.string().min(10, msg('Câu trả lời cần ít nhất 10 ký tự.', 'The answer needs at least 10 characters.')),
  ),
});
export const MergeForm = z.object({
  into: z
    .string()
    .trim()
    .toUpperCase()
    .regex(
      /^PA-\d{6}-\d{4,}$/,
      msg('Mã phản ánh có dạng PA-261122-0001.', 'A report code looks like PA-261122-0001.'),
    ),
});
export const PublishForm = z.object({
  description: text(4000).optional(),
  photos: z.enum(['on']).optional(),
});
/** Why a report is not accepted: the reporter reads it. */
const reason = text(2000).pipe(
  z
    .string()
    .min(
      10,
      msg(
        'Vui lòng ghi rõ lý do (ít nhất 10 ký tự): người phản ánh sẽ đọc.',
        'Please give the reason (at least 10 characters): the reporter will read it.',
      ),
    ),
);
export const RefuseForm = z.object({ reason });
/** What the reporter is asked to add. */
const question = text(2000).pipe(
  z
    .string()
    .min(
      10,
      msg(
        'Vui lòng ghi rõ cần bổ sung thông tin gì (ít nhất 10 ký tự).',
        'Please say what information is needed (at least 10 characters).',
      ),
    ),
);
export const InfoRequestForm = z.object({ question });
export const CloseForm = z.object({});
export const StaffReopenForm = z.object({ reason: text(1000).optional() });

// Path and query parameters of the pages

/** `?trang=`: which page of a list; anything odd is the first. */
export const PageNo = z.coerce.number().int().min(1).max(10_000).catch(1);
export const IdParam = z.object({ id: z.coerce.number().int().positive() });
/** The private link's token; its exact shape is checked where the report is looked up. */
export const TokenParam = z.object({ token: z.string().max(64) });

// The reporter, through the private link

export const RateForm = z.object({ rating: z.coerce.number().int().min(1).max(5) });
export const ReporterReopenForm = z.object({
  reason: text(1000).pipe(
    z
      .string()
      .min(5, msg('Vui lòng cho biết vì sao chưa được giải quyết.', 'Please say why it is not resolved.')),
  ),
});

/** The reporter's answer to a request for more information. */
export const SupplementForm = z.object({
  info: text(4000).pipe(
    z
      .string()
      .min(
        5,
        msg(
          'Vui lòng ghi thông tin cơ quan cần (ít nhất 5 ký tự).',
          'Please write the information asked for (at least 5 characters).',
        ),
      ),
  ),
});

// Settings

/** A number of working days between 1 and `max`, with the field's own words in the error. */
const workingDays = (max: number, vi: string, en: string) =>
  z.coerce
    .number(msg(`${vi}: nhập một số ngày làm việc.`, `${en}: enter a number of working days.`))
    .int(msg(`${vi}: nhập số nguyên.`, `${en}: enter a whole number.`))
    .min(1, msg(`${vi}: từ 1 đến ${max} ngày làm việc.`, `${en}: from 1 to ${max} working days.`))
    .max(max, msg(`${vi}: từ 1 đến ${max} ngày làm việc.`, `${en}: from 1 to ${max} working days.`));

/** Roles a category may route to: office roles at a commune or province (the community digital
 * teams' roles are held at hamlets, where no report is routed, and the table's check omits them). */
export const HANDLER_ROLES = ROLES.filter(
  (r) => r !== 'community_digital_member' && r !== 'community_digital_leader',
) as [Role, ...Role[]];

/**
 * A category. The four deadlines are the national measure's stages (decision 023): accept or refuse,
 * ask for more information, answer (`deadlineDays`, the name it had when it was the only deadline),
 * publish the answer; left out, the three added ones take the national 2, 5 and 2 days.
 */
export const CategoryForm = z
  .object({
    code: categoryCode,
    nameVi: text(120).pipe(z.string().min(1)),
    nameEn: text(120).optional(),
    descriptionVi: text(500).optional(),
    descriptionEn: text(500).optional(),
    keywords: text(300).optional(),
    handlerRole: z.enum(HANDLER_ROLES).default('feedback_handler'),
    handlerLevel: z.enum(['commune', 'province']).default('commune'),
    acceptDays: workingDays(30, 'Hạn tiếp nhận', 'Deadline to accept').optional(),
    infoDays: workingDays(30, 'Hạn yêu cầu bổ sung thông tin', 'Deadline to ask for information').optional(),
    deadlineDays: workingDays(90, 'Hạn trả lời', 'Deadline to answer'),
    publishDays: workingDays(30, 'Hạn công khai', 'Deadline to publish').optional(),
    active: z.enum(['on']).optional(),
    sortOrder: z.coerce.number().int().min(0).max(999).default(0),
  })
  .superRefine((c, ctx) => {
    // Accepting a report, or asking its sender for more, comes before answering it (a field left
    // blank takes the national days, so it is checked as that).
    const within = (field: 'acceptDays' | 'infoDays', days: number, vi: string, en: string) => {
      if (days > c.deadlineDays)
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: msg(
            `${vi} (${days} ngày) không được dài hơn hạn trả lời (${c.deadlineDays} ngày).`,
            `${en} (${days} days) may not be longer than the deadline to answer (${c.deadlineDays} days).`,
          ),
        });
    };
    within(
      'acceptDays',
      c.acceptDays ?? NATIONAL_STAGE_DAYS.accept,
      'Hạn tiếp nhận',
      'The deadline to accept',
    );
    within(
      'infoDays',
      c.infoDays ?? NATIONAL_STAGE_DAYS.info,
      'Hạn yêu cầu bổ sung thông tin',
      'The deadline to ask for information',
    );
  });
export type CategoryForm = z.infer<typeof CategoryForm>;

export const ApiKeyForm = z.object({
  name: text(120).pipe(z.string().min(1)),
  placeCode,
  requestsPerMinute: z.coerce.number().int().min(1).max(100_000).default(60),
});
export type ApiKeyForm = z.infer<typeof ApiKeyForm>;

export const ContactForm = z
  .object({ placeCode, channel: z.enum(['sms', 'email']), recipient: z.string().trim().max(200) })
  .superRefine((c, ctx) => {
    const ok =
      c.channel === 'sms'
        ? phoneSchema.safeParse(c.recipient).success
        : z.email().safeParse(c.recipient).success;
    if (!ok) {
      ctx.addIssue({
        code: 'custom',
        path: ['recipient'],
        message: msg('Số điện thoại hoặc email không hợp lệ.', 'Not a valid phone number or email.'),
      });
    }
  })
  .transform((c) => ({
    ...c,
    recipient: c.channel === 'sms' ? phoneSchema.parse(c.recipient) : c.recipient.toLowerCase(),
  }));
export type ContactForm = z.infer<typeof ContactForm>;

// Open311 GeoReport v2 (field names as the specification spells them)

export const Open311Post = z.object({
  api_key: z.string().trim().max(200).optional(),
  jurisdiction_id: placeCode.optional(),
  service_code: z.string().trim().max(40),
  lat: latSchema.optional(),
  long: longSchema.optional(),
  address_string: text(300).optional(),
  address_id: z.string().trim().max(40).optional(),
  email: z.email().max(200).optional(),
  device_id: z.string().max(200).optional(),
  account_id: z.string().max(200).optional(),
  first_name: text(60).optional(),
  last_name: text(60).optional(),
  phone: phoneSchema.optional(),
  description: text(4000).optional(),
  media_url: z
    .url({ protocol: /^https?$/ })
    .max(1000)
    .optional(),
});
export type Open311Post = z.infer<typeof Open311Post>;

const csv = z
  .string()
  .trim()
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );

export const Open311Query = z.object({
  jurisdiction_id: placeCode.optional(),
  service_request_id: csv.optional(),
  service_code: csv.optional(),
  start_date: z.iso.datetime({ offset: true, local: true }).or(z.iso.date()).optional(),
  end_date: z.iso.datetime({ offset: true, local: true }).or(z.iso.date()).optional(),
  status: csv.pipe(z.array(z.enum(['open', 'closed']))).optional(),
});
export type Open311Query = z.infer<typeof Open311Query>;

// The staff JSON API (/api/v1/feedback), bearer tokens only

export const ActionIn = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('acknowledge'), category: categoryCode.optional() }),
  z.object({ kind: z.literal('refuse'), body: reason }),
  z.object({ kind: z.literal('request_info'), body: question }),
  z.object({ kind: z.literal('assign'), assignee: z.union([z.literal('me'), z.number().int().positive()]) }),
  z.object({ kind: z.literal('note'), body: text(4000).pipe(z.string().min(1)) }),
  z.object({ kind: z.literal('reply'), body: ReplyForm.shape.reply }),
  z.object({ kind: z.literal('merge'), into: MergeForm.shape.into }),
  z.object({
    kind: z.literal('publish'),
    description: text(4000).optional(),
    photos: z.boolean().default(false),
  }),
  z.object({ kind: z.literal('close') }),
  z.object({ kind: z.literal('reopen'), body: text(1000).optional() }),
]);
export type ActionIn = z.infer<typeof ActionIn>;

const StageOut = z.object({
  dueAt: z.string().nullable(),
  lateAt: z.string().nullable(),
  doneAt: z.string().nullable(),
});

export const ReportOut = z.object({
  id: z.number(),
  code: z.string(),
  status: z.enum(STATUSES),
  category: z.string(),
  placeId: z.number(),
  communeId: z.number(),
  handlingPlaceId: z.number(),
  handlingLevel: z.enum(['commune', 'province']),
  dueAt: z.string(),
  createdAt: z.string(),
  description: z.string(),
  landmark: z.string().nullable(),
  lat: z.number().nullable(),
  long: z.number().nullable(),
  channel: z.enum(['web', 'counter', 'open311']),
  assignee: z.string().nullable(),
  publicReply: z.string().nullable(),
  published: z.boolean(),
  rating: z.number().nullable(),
  /** Each stage's clock and when it was done (decision 023). */
  stages: z.object({ accept: StageOut, info: StageOut, answer: StageOut, publish: StageOut }),
});
export type ReportOut = z.infer<typeof ReportOut>;
