import { z } from 'zod';
import type { ProcedureDefinition } from '#modules/procedures/index.ts';
import { msg } from '#platform/validation.ts';
import type { DossierRecord } from './dossier-source.ts';
import type { Issuer, ResultTemplate } from './forms/types.ts';
import { vnDate, vnShort } from './pdf/vn-format.ts';

/** A result template as an admin writes it (JSON on the template page). */
export const ResultTemplateSchema = z.object({
  formTag: z.string().trim().min(1).max(300).optional(),
  title: z.string().trim().min(1).max(200),
  basis: z.array(z.string().trim().min(1).max(500)).max(10).default([]),
  body: z.array(z.string().trim().min(1).max(2000)).max(20).default([]),
  fields: z
    .array(
      z.object({
        label: z.string().trim().min(1).max(200),
        value: z.string().trim().min(1).max(500),
        ifPresent: z.boolean().optional(),
      }),
    )
    .max(40)
    .default([]),
  closing: z.array(z.string().trim().min(1).max(2000)).max(10).default([]),
  signerTitle: z.string().trim().min(1, msg('Ghi chức danh người ký.', "Give the signer's title.")).max(200),
}) satisfies z.ZodType<ResultTemplate>;

/** "Thủ tục đăng ký khai sinh" → "đăng ký khai sinh": the catalogue's names may start with the word. */
function requestOf(name: string) {
  const bare = name.replace(/^thủ tục\s+/i, '');
  return `${bare[0]?.toLocaleLowerCase('vi') ?? ''}${bare.slice(1)}`;
}

/**
 * An e-form label written as a question to the applicant ("Bạn là gì của trẻ?", "Giấy tờ có mấy
 * trang?"): it belongs on the form, never on the result.
 */
export const isQuestion = (label: string) => /\?\s*$/.test(label.trim());

/**
 * The template a procedure gets when it has neither an admin's template nor an official one
 * (`official-templates.ts`): the result's name as the title, the request it answers, and the
 * e-form's answers as labelled lines — leaving out answers whose label is a question, which only
 * an official template can label properly.
 */
export function defaultTemplate(p: ProcedureDefinition): ResultTemplate {
  return {
    title: p.result.name.vi,
    basis: [
      ...p.legalBasis.slice(0, 3).map((b) => `Căn cứ ${b};`),
      'Xét đề nghị của ông/bà {{applicant.name}} tại hồ sơ số {{dossier.code}},',
    ],
    body: [`{{issuer.authority}} giải quyết đề nghị ${requestOf(p.name.vi)} với nội dung sau:`],
    fields: [
      { label: 'Người đề nghị', value: '{{applicant.name}}' },
      { label: 'Số định danh cá nhân', value: '{{applicant.idNumber}}' },
      { label: 'Nơi cư trú', value: '{{applicant.address}}' },
      ...p.form
        .filter((f) => f.type !== 'checkbox' && !isQuestion(f.label.vi))
        .map((f) => ({ label: f.label.vi, value: `{{form.${f.name}}}`, ifPresent: !f.required })),
    ],
    closing: [],
    signerTitle: 'TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH',
  };
}

function display(v: unknown, field: ProcedureDefinition['form'][number] | undefined): string {
  if (v === undefined || v === null || v === '') return '';
  if (field?.type === 'select') {
    const o = field.options?.find((x) => x.value === String(v));
    if (o) return o.label.vi;
  }
  if (field?.type === 'date' && typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) {
    const [y, m, d] = v.split('-');
    return `${d}/${m}/${y}`;
  }
  if (typeof v === 'boolean') return v ? 'Có' : 'Không';
  if (Array.isArray(v)) return v.map(String).join(', ');
  return String(v);
}

/** The values `{{…}}` placeholders read, from a dossier. */
export function templateValues(d: DossierRecord, issuer: Issuer, at: Date): Record<string, string> {
  const values: Record<string, string> = {
    'applicant.name': d.applicant.name,
    'applicant.idNumber': d.applicant.idNumber ?? '',
    'applicant.address': d.applicant.address ?? '',
    'applicant.phone': d.applicant.phone,
    'dossier.code': d.code,
    'procedure.name': d.procedure.name.vi,
    'procedure.code': d.procedureCode,
    'issuer.authority': issuer.authority,
    date: vnDate(at),
    'date.dmy': vnShort(at).slice(6),
  };
  for (const [k, v] of Object.entries(d.formData)) {
    values[`form.${k}`] = display(
      v,
      d.procedure.form.find((f) => f.name === k),
    );
  }
  return values;
}
