import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError, Invalid, NotFound } from '#platform/errors.ts';
import { errorsFor } from '#web/form.tsx';
import { pageCtx } from '#web/render.tsx';
import {
  type AssistDeps,
  kitCatalogue,
  requestConsentCode,
  storePhoto,
  verifyConsentCode,
} from './assisted.service.ts';
import { type KitAssets, sendKitPage } from './fieldkit.app.tsx';
import { getHousehold, toHouseholdOut } from './households.service.ts';
import { assistCommand, type FormBody } from './kit-forms.ts';
import { applyFormCommand } from './sync.service.ts';
import { AssistFormView, ProcedureChoice } from './views/assist-views.tsx';
import { emptyForm, type FormValues, householdUrl, KIT } from './views/kit-views.tsx';

const Params = z.object({ id: z.uuid(), code: z.string().max(40).optional() });
const PHOTO_LIMIT = 15 * 1024 * 1024;

interface Photo {
  field: string;
  filename: string;
  data: Buffer;
}
const photosOf = new WeakMap<FastifyRequest, Photo[]>();

/** The multipart form is read before the CSRF check (which then sees its _csrf field). */
async function readForm(req: FastifyRequest) {
  if (!req.isMultipart()) return;
  const body: Record<string, string> = {};
  const photos: Photo[] = [];
  const parts = req.parts({
    limits: { fileSize: PHOTO_LIMIT, files: 45 },
    throwFileSizeLimit: false,
  } as Parameters<FastifyRequest['parts']>[0]);
  for await (const part of parts) {
    if (part.type === 'file') {
      const data = await part.toBuffer();
      if (data.length > 0 && !part.file.truncated)
        photos.push({ field: part.fieldname, filename: part.filename, data });
    } else if (typeof part.value === 'string') body[part.fieldname] = part.value;
  }
  req.body = body;
  photosOf.set(req, photos);
}

/**
 * Assisted filing without JavaScript: the same form as the kit's, posted with the camera's photos
 * (shrunk on the server), consent by a photographed paper or a code sent to the citizen's phone;
 * filed through the same command as the kit's (so a form sent twice files once).
 */
export function registerAssistPages(app: FastifyInstance, kit: KitAssets, deps: AssistDeps) {
  const choose = async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.actor.kind !== 'staff')
      return reply.redirect(`/dang-nhap?next=${encodeURIComponent(req.url)}`, 303);
    const { id } = Params.parse(req.params);
    const ctx = req.ctx();
    const h = toHouseholdOut(await getHousehold(ctx, id));
    const page = await pageCtx(req, reply);
    const { procedures } = await kitCatalogue(ctx.db);
    return sendKitPage(
      req,
      reply,
      kit,
      page,
      { title: page.t('fieldkit:assist.choose') },
      <ProcedureChoice page={page} household={h} procedures={procedures} />,
    );
  };
  app.get(`${KIT}ho/:id/ho-so`, choose);

  const form = async (
    req: FastifyRequest,
    reply: FastifyReply,
    state: FormValues,
    status = 200,
    otpSentTo?: string,
  ) => {
    const { id, code } = Params.parse(req.params);
    const ctx = req.ctx();
    const h = toHouseholdOut(await getHousehold(ctx, id));
    const procedure = (await kitCatalogue(ctx.db)).procedures.find((p) => p.code === code);
    if (!procedure) throw new NotFound();
    const page = await pageCtx(req, reply);
    return sendKitPage(
      req,
      reply,
      kit,
      page,
      { title: procedure.name.vi, status },
      <AssistFormView
        page={page}
        action={`${householdUrl(h.id)}/ho-so/${procedure.code}`}
        household={h}
        procedure={procedure}
        state={state}
        commandId={randomUUID()}
        otpSentTo={otpSentTo}
      />,
    );
  };
  app.get(`${KIT}ho/:id/ho-so/:code`, async (req, reply) => {
    if (req.actor.kind !== 'staff')
      return reply.redirect(`/dang-nhap?next=${encodeURIComponent(req.url)}`, 303);
    return form(req, reply, emptyForm());
  });

  app.post(
    `${KIT}ho/:id/ho-so/:code`,
    { bodyLimit: 50 * 1024 * 1024, preValidation: readForm },
    async (req, reply) => {
      if (req.actor.kind !== 'staff') return reply.redirect('/dang-nhap', 303);
      const { id, code } = Params.parse(req.params);
      const ctx = req.ctx();
      const body = (req.body ?? {}) as FormBody;
      const values = body;
      const page = await pageCtx(req, reply);
      const again = (errors: Record<string, string>, message?: string, otpSentTo?: string) =>
        form(
          req,
          reply,
          { values, errors, message },
          Object.keys(errors).length || message ? 400 : 200,
          otpSentTo,
        );
      try {
        if (body.sendCode) {
          const phone = String(body['applicant.phone'] ?? '');
          await requestConsentCode(ctx, deps, { phone });
          return again({}, undefined, phone);
        }
        const photos = photosOf.get(req) ?? [];
        const files = [];
        for (const p of photos.filter((x) => x.field.startsWith('doc_'))) {
          files.push({
            documentId: p.field.slice(4),
            uploadId: await storePhoto(ctx, deps, p.data, p.filename),
          });
        }
        let consent: { kind: 'paper'; uploadId: string } | { kind: 'otp'; token: string };
        if (body.consent === 'otp') {
          const { token } = await verifyConsentCode(ctx, deps, {
            phone: String(body['applicant.phone'] ?? ''),
            code: String(body.otpCode ?? ''),
          });
          consent = { kind: 'otp', token };
        } else {
          const paper = photos.find((x) => x.field === 'consent_photo');
          if (!paper) {
            throw new Invalid([
              {
                field: 'consent',
                vi: 'Chụp giấy đồng ý có chữ ký, hoặc dùng mã gửi đến điện thoại.',
                en: 'Photograph the signed consent, or use a code sent to the phone.',
              },
            ]);
          }
          consent = { kind: 'paper', uploadId: await storePhoto(ctx, deps, paper.data, paper.filename) };
        }
        const command = assistCommand(body, {
          commandId: String(body.commandId ?? randomUUID()),
          dossierId: String(body.dossierId ?? randomUUID()),
          householdId: id,
          procedureCode: code ?? '',
          now: ctx.clock.now(),
          files,
          consent,
        });
        const result = await applyFormCommand(ctx, deps, command);
        if (result.status === 'rejected') {
          return again(
            errorsFor(page, result.errors ?? []),
            page.locale === 'en' ? result.message?.en : result.message?.vi,
          );
        }
        return reply.redirect(
          `${householdUrl(id)}?ok=filed&ma=${encodeURIComponent(result.dossierCode ?? '')}`,
          303,
        );
      } catch (e) {
        if (e instanceof Invalid) return again(errorsFor(page, e.fields));
        if (e instanceof AppError && e.status === 429)
          return again({}, page.locale === 'en' ? e.detail.en : e.detail.vi);
        throw e;
      }
    },
  );
}
