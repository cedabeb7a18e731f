import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, Invalid } from '#platform/errors.ts';
import type { Platform } from '#platform/platform.ts';
import { Field, Form, Select } from '#web/form.tsx';
import { type FormState, handleForm } from '#web/form-action.ts';
import { Layout, type PageCtx } from '#web/layout.tsx';
import { type BufferedFile, formOf, inMemory, multipartForm } from '#web/multipart.ts';
import { pageCtx, sendPage } from '#web/render.tsx';
import { getCommune, requireOperator } from './broadcast.access.ts';
import type { BroadcastDeps } from './broadcast.audio.ts';
import {
  approveBulletin,
  bulletinAudio,
  createBulletin,
  describeBulletin,
  listBulletins,
  rejectBulletin,
  submitBulletin,
  withdrawBulletin,
} from './broadcast.bulletins.service.ts';
import { BulletinPage, type BulletinPageProps, SIMPLE_ACTIONS } from './broadcast.bulletins.views.tsx';
import { codeParam, empty, idParam, sendAudio, sendCaptions } from './broadcast.http.ts';
import {
  cancelScheduleEntry,
  listProgrammes,
  previewDay,
  scheduleBulletin,
} from './broadcast.programmes.service.ts';
import { runtimeFor } from './broadcast.runtime.ts';
import { localDate, localTime } from './broadcast.schedule.ts';
import { NewBulletin, RejectForm, ScheduleForm } from './broadcast.schemas.ts';
import type { Priority } from './broadcast.tables.ts';
import { bound, CommuneNav, fmtTime } from './broadcast.views.tsx';

const RUN: Record<(typeof SIMPLE_ACTIONS)[number]['type'], typeof submitBulletin> = {
  submit: submitBulletin,
  approve: approveBulletin,
  withdraw: withdrawBulletin,
};

/** A commune's bulletins: the list, composing one, its page (preview, approval, schedule). */
export function registerBulletinPages(root: FastifyInstance, platform: Platform) {
  const deps = runtimeFor(platform).deps;

  root.get('/quan-tri/loa/xa/:code/ban-tin', async (req, reply) => {
    const { code } = codeParam.parse(req.params);
    const { commune, bulletins } = await listBulletins(req.ctx(), code);
    const page = await pageCtx(req, reply);
    const t = page.t;
    return sendPage(
      reply,
      <Layout page={page} title={t('broadcast:bulletins.h', { commune: commune.fullName })}>
        <h1>{t('broadcast:bulletins.h', { commune: commune.fullName })}</h1>
        <CommuneNav page={page} commune={commune} />
        {bulletins.length === 0 && <p>{t('broadcast:bulletins.none')}</p>}
        <ul class="cards">
          {bulletins.map((b) => (
            <li key={b.id}>
              <a href={`/quan-tri/loa/ban-tin/${b.id}`}>{b.title}</a>{' '}
              <span class="tag">{t(`broadcast:bulletinStatus.${b.status}`)}</span>{' '}
              <span class="tag">{t(`broadcast:priority.${b.priority}`)}</span>
              <p class="muted">{fmtTime(b.createdAt)}</p>
            </li>
          ))}
        </ul>
      </Layout>,
    );
  });

  root.register(async (scope) => {
    // The app may already parse multipart for other modules; register it here only if not.
    if (!scope.hasRequestDecorator('parts')) {
      await scope.register(fastifyMultipart, { limits: { fileSize: platform.config.UPLOAD_MAX_BYTES } });
    }
    const maxBytes = platform.config.UPLOAD_MAX_BYTES;
    // The one recording into memory (bounded by the upload cap), through the shared reader.
    const upload = {
      preValidation: multipartForm({
        files: 1,
        fileBytes: maxBytes,
        fields: 20,
        fieldBytes: 20_000,
        file: inMemory(maxBytes),
      }),
    };
    scope.get('/quan-tri/loa/xa/:code/ban-tin/moi', (req, reply) => renderCompose(req, reply, deps, empty));
    scope.post('/quan-tri/loa/xa/:code/ban-tin/moi', upload, (req, reply) => {
      const { code } = codeParam.parse(req.params);
      const recording = formOf<BufferedFile>(req).files[0]?.value;
      return handleForm(
        req,
        reply,
        NewBulletin,
        async (input) => {
          if (recording?.tooLarge) {
            throw new Invalid([
              {
                field: 'audio',
                vi: `Tệp ghi âm lớn hơn ${Math.round(maxBytes / 1048576)} MB.`,
                en: `The recording is larger than ${Math.round(maxBytes / 1048576)} MB.`,
              },
            ]);
          }
          const audio = recording && recording.data.length > 0 ? recording.data : undefined;
          const b = await createBulletin(req.ctx(), deps, code, { ...input, upload: audio });
          return `/quan-tri/loa/ban-tin/${b.id}`;
        },
        (state, status) => renderCompose(req, reply, deps, state, status),
      );
    });
  });

  root.get('/quan-tri/loa/ban-tin/:id', (req, reply) => renderBulletin(req, reply, empty));

  root.get('/quan-tri/loa/ban-tin/:id/am-thanh', async (req, reply) => {
    const { id } = idParam.parse(req.params);
    return sendAudio(reply, platform, await bulletinAudio(req.ctx(), id, 'staff'), 'private, no-store');
  });

  root.get('/quan-tri/loa/ban-tin/:id/phu-de.vtt', async (req, reply) => {
    const { id } = idParam.parse(req.params);
    const { bulletin: b } = await bulletinAudio(req.ctx(), id, 'staff');
    return sendCaptions(reply, b, 'private, no-store');
  });

  // Actions with nothing to fill in: a conflict (someone acted first) shows the page with the reason.
  for (const a of SIMPLE_ACTIONS) {
    root.post(`/quan-tri/loa/ban-tin/:id/${a.path}`, async (req, reply) => {
      const { id } = idParam.parse(req.params);
      try {
        await RUN[a.type](req.ctx(), id);
      } catch (e) {
        if (e instanceof AppError && e.status === 409) {
          const message = req.locale === 'en' ? e.detail.en : e.detail.vi;
          return renderBulletin(req, reply, { values: {}, errors: {}, message }, 409);
        }
        throw e;
      }
      return reply.redirect(`/quan-tri/loa/ban-tin/${id}`, 303);
    });
  }

  root.post('/quan-tri/loa/ban-tin/:id/tra-lai', (req, reply) => {
    const { id } = idParam.parse(req.params);
    return handleForm(
      req,
      reply,
      RejectForm,
      async (input) => {
        await rejectBulletin(req.ctx(), id, input.note);
        return `/quan-tri/loa/ban-tin/${id}`;
      },
      (state, status) => renderBulletin(req, reply, state, status),
    );
  });

  root.post('/quan-tri/loa/ban-tin/:id/lich', (req, reply) => {
    const { id } = idParam.parse(req.params);
    return handleForm(
      req,
      reply,
      ScheduleForm,
      async (input) => {
        await scheduleBulletin(req.ctx(), id, input);
        return `/quan-tri/loa/ban-tin/${id}?lich=1`;
      },
      (state, status) => renderBulletin(req, reply, state, status),
    );
  });

  root.post('/quan-tri/loa/lich/:id/huy', async (req, reply) => {
    const { id } = idParam.parse(req.params);
    const entry = await cancelScheduleEntry(req.ctx(), id);
    return reply.redirect(`/quan-tri/loa/ban-tin/${entry.bulletinId}`, 303);
  });
}

async function renderCompose(
  req: FastifyRequest,
  reply: FastifyReply,
  deps: BroadcastDeps,
  state: FormState,
  status = 200,
) {
  const { code } = codeParam.parse(req.params);
  const commune = await getCommune(req.ctx().db, code);
  requireOperator(req.actor, commune.path);
  const page = await pageCtx(req, reply);
  const t = page.t;
  return sendPage(
    reply,
    <Layout page={page} title={t('broadcast:bulletins.compose')}>
      <h1>{t('broadcast:bulletins.compose')}</h1>
      <CommuneNav page={page} commune={commune} />
      {state.message && <p class="errors">{state.message}</p>}
      <ComposeForm
        page={page}
        action={`/quan-tri/loa/xa/${commune.code}/ban-tin/moi`}
        deps={deps}
        state={state}
      />
    </Layout>,
    status,
  );
}

interface ComposeFormProps {
  page: PageCtx;
  action: string;
  deps: BroadcastDeps;
  state: FormState;
}

function ComposeForm({ page, action, deps, state }: ComposeFormProps) {
  const t = page.t;
  return (
    <Form page={page} action={action} errors={state.errors} enctype="multipart/form-data">
      <Field {...bound(state, 'title')} label={t('broadcast:bulletins.titleField')} required />
      <div class={state.errors.body ? 'field invalid' : 'field'}>
        <label for="f-body">{t('broadcast:bulletins.body')}</label>
        <small id="f-body-hint" class="hint">
          {t('broadcast:bulletins.bodyHint')}
        </small>
        {state.errors.body && (
          <strong id="f-body-err" class="err">
            {state.errors.body}
          </strong>
        )}
        <textarea id="f-body" name="body" rows={8} aria-describedby="f-body-hint">
          {state.values.body ?? ''}
        </textarea>
      </div>
      <Select
        {...bound(state, 'priority')}
        label={t('broadcast:bulletins.priorityField')}
        options={(['normal', 'priority', 'emergency'] as Priority[]).map((p) => ({
          value: p,
          label: t(`broadcast:priority.${p}`),
        }))}
      />
      <Select
        name="voice"
        label={t('broadcast:bulletins.voice')}
        options={deps.tts.voices.map((v) => ({
          value: v.id,
          label: page.locale === 'en' ? v.label.en : v.label.vi,
        }))}
        value={state.values.voice ?? deps.tts.defaultVoice}
        error={state.errors.voice}
      />
      <div class={state.errors.audio ? 'field invalid' : 'field'}>
        <label for="f-audio">{t('broadcast:bulletins.audio')}</label>
        <small class="hint">{t('broadcast:bulletins.audioHint')}</small>
        {state.errors.audio && <strong class="err">{state.errors.audio}</strong>}
        <input id="f-audio" name="audio" type="file" accept="audio/*" />
      </div>
      <button type="submit">{t('broadcast:bulletins.save')}</button>
    </Form>
  );
}

async function renderBulletin(req: FastifyRequest, reply: FastifyReply, state: FormState, status = 200) {
  const { id } = idParam.parse(req.params);
  const ctx = req.ctx();
  const described = await describeBulletin(ctx, id);
  const programmes = described.allowed.includes('schedule')
    ? await listProgrammes(ctx, described.commune.code)
    : [];
  const page = await pageCtx(req, reply);
  const props: BulletinPageProps = {
    page,
    ...described,
    programmes,
    warnings: await scheduleWarnings(page, req, described, programmes),
    scheduled: Boolean((req.query as { lich?: string }).lich),
    today: localDate(ctx.clock.now().getTime()),
    state,
  };
  return sendPage(reply, <BulletinPage {...props} />, status);
}

/** How this bulletin resolves on the first day of each slot: late behind another, or dropped. */
async function scheduleWarnings(
  page: PageCtx,
  req: FastifyRequest,
  { bulletin: b, entries }: Awaited<ReturnType<typeof describeBulletin>>,
  programmes: Awaited<ReturnType<typeof listProgrammes>>,
) {
  const ctx = req.ctx();
  const t = page.t;
  const warnings: string[] = [];
  for (const e of entries.filter((x) => !x.entry.cancelledAt)) {
    const clusterIds = programmes.find((x) => x.id === e.entry.programmeId)?.clusterIds ?? [];
    const today = localDate(ctx.clock.now().getTime());
    const day = e.entry.startDate > today ? e.entry.startDate : today;
    const { timelines } = await previewDay(ctx, clusterIds, day);
    for (const tl of timelines.values()) {
      for (const play of tl.plays.filter((x) => x.entryId === e.entry.id && x.at - x.start >= 60_000)) {
        warnings.push(
          t('broadcast:bulletins.delayed', {
            title: b.title,
            at: localTime(play.at).slice(0, 5),
            minutes: Math.round((play.at - play.start) / 60_000),
          }),
        );
      }
      for (const d of tl.dropped.filter((x) => x.entryId === e.entry.id)) {
        warnings.push(
          t('broadcast:bulletins.dropped', { title: b.title, at: localTime(d.start).slice(0, 5) }),
        );
      }
    }
  }
  return [...new Set(warnings)];
}
