import type { Place } from '#modules/places/index.ts';
import { formatDate, formatDateTime } from '#platform/i18n/dates.ts';
import { ActionForm, Field, Notice, Select, TextArea } from '#web/form.tsx';
import type { FormState } from '#web/form-action.ts';
import { Layout, type PageCtx } from '#web/layout.tsx';
import { redact } from '../feedback.privacy.ts';
import type { StaffReport } from '../feedback.read.ts';
import type { Category, Report } from '../feedback.service.ts';
import { type ActionType, STAGES, type Stage, verdictAt } from '../feedback.workflow.ts';
import { categoryName, Fact, Pager, Photo, placeLine, StatusTag } from './common.tsx';

// The staff pages: the queue, and one report with its contact data, log and the forms of the
// actions allowed now.

/** Past the due time of the stage the office must do next (accepting, answering, publishing). */
function Overdue({ page, r, now }: { page: PageCtx; r: Report; now: Date }) {
  return r.nextDueAt && r.nextDueAt.getTime() < now.getTime() ? (
    <strong class="err"> {page.t('feedback:staff.overdue')}</strong>
  ) : null;
}

/** The stage the office must do next, read from the row (its cache of `nextStage`). */
function nextOf(r: Report): { stage: Stage; dueAt: Date } | null {
  if (!r.nextDueAt) return null;
  if (r.status === 'answered') return { stage: 'publish', dueAt: r.nextDueAt };
  if (r.status === 'new' && r.acceptDueAt && !r.acceptDoneAt) return { stage: 'accept', dueAt: r.nextDueAt };
  return { stage: 'answer', dueAt: r.nextDueAt };
}

/** "Answer due: 15/12/2026", or the acceptance's or the publication's, whichever comes next. */
function NextDue({ page, r }: { page: PageCtx; r: Report }) {
  const next = nextOf(r);
  return (
    <span class="muted">
      {next
        ? `${page.t(`feedback:stageDue.${next.stage}`)}: ${formatDate(next.dueAt)}`
        : `${page.t('feedback:staff.dueAt')}: ${formatDate(r.dueAt)}`}
    </span>
  );
}

export function QueuePage({
  page,
  filters,
  filter,
  rows,
  total,
  current,
  categories,
  places,
  now,
}: {
  page: PageCtx;
  /** The queue's views (open, overdue, …), and the one shown. */
  filters: string[];
  filter: string;
  rows: Report[];
  total: number;
  current: number;
  categories: Map<number, Category>;
  places: Map<number, Place>;
  now: Date;
}) {
  const t = page.t;
  return (
    <Layout page={page} title={t('feedback:staff.queue')}>
      <h1>{t('feedback:staff.queue')}</h1>
      <p>
        {filters.map((f) => (
          <span key={f}>
            {f === filter ? (
              <strong>{t(`feedback:staff.filters.${f}`)}</strong>
            ) : (
              <a href={`/quan-tri/phan-anh?loc=${f}`}>{t(`feedback:staff.filters.${f}`)}</a>
            )}{' '}
            ·{' '}
          </span>
        ))}
        <a href="/phan-anh/gui">{t('feedback:staff.counterLink')}</a> ·{' '}
        <a href="/quan-tri/phan-anh/cai-dat">{t('feedback:staff.settings')}</a> ·{' '}
        <a href="/quan-tri/phan-anh/thong-ke">{t('feedback:figures.link')}</a>
      </p>
      <p class="muted">{t('feedback:staff.total', { count: total })}</p>
      {rows.length === 0 ? (
        <p>{t('feedback:staff.empty')}</p>
      ) : (
        <ul class="cards">
          {rows.map((r) => (
            <li key={r.id}>
              <a href={`/quan-tri/phan-anh/${r.id}`}>
                <strong>{r.serviceRequestId}</strong>
              </a>{' '}
              <StatusTag page={page} status={r.status} />{' '}
              {r.handlingLevel === 'province' && (
                <span class="tag">{t('feedback:staff.level.province')}</span>
              )}
              <br />
              {categoryName(categories.get(r.categoryId), page)} · {placeLine(places, r)}
              <br />
              <NextDue page={page} r={r} />
              <Overdue page={page} r={r} now={now} />
              {r.assigneeLabel && (
                <span class="muted">
                  {' '}
                  · {t('feedback:staff.assignee')}: {r.assigneeLabel}
                </span>
              )}
              <p>{r.description.slice(0, 160)}</p>
            </li>
          ))}
        </ul>
      )}
      <Pager page={page} base={`/quan-tri/phan-anh?loc=${filter}`} current={current} total={total} />
    </Layout>
  );
}

export interface StaffReportProps {
  page: PageCtx;
  state: FormState;
  info: StaffReport;
  categories: Map<number, Category>;
  places: Map<number, Place>;
  now: Date;
  /** Whether the page follows an action just taken (`?xong=1`). */
  done: boolean;
  /** Whether the viewer may act here, or only sees it (a commune that escalated it). */
  handles: boolean;
}

export function StaffReportPage(props: StaffReportProps) {
  const { page, state, info, places, done, handles } = props;
  const r = info.report;
  const t = page.t;
  const office = places.get(r.handlingPlaceId)?.fullName ?? '';
  return (
    <Layout page={page} title={r.serviceRequestId}>
      <p>
        <a href="/quan-tri/phan-anh">{t('feedback:staff.queue')}</a>
      </p>
      <h1>
        {r.serviceRequestId} <StatusTag page={page} status={r.status} />
      </h1>
      <Notice text={done ? t('feedback:staff.done') : state.message} />
      {!handles && <p class="notice">{t('feedback:staff.readOnly', { office })}</p>}
      {info.mergedInto && (
        <p class="notice">{t('feedback:track.merged', { code: info.mergedInto.serviceRequestId })}</p>
      )}
      <Facts {...props} office={office} />
      <Stages {...props} />
      <Content {...props} />
      <Log {...props} />
      <Actions {...props} />
    </Layout>
  );
}

function Facts({ page, info, categories, places, now, office }: StaffReportProps & { office: string }) {
  const r = info.report;
  const t = page.t;
  return (
    <table>
      <tbody>
        <Fact label={t('feedback:track.category')}>{categoryName(categories.get(r.categoryId), page)}</Fact>
        <Fact label={t('feedback:track.where')}>
          {r.landmark ? `${r.landmark}, ` : ''}
          {placeLine(places, r)}
          {r.lat !== null && r.long !== null && (
            <>
              {' '}
              ({Number(r.lat)}, {Number(r.long)})
            </>
          )}
        </Fact>
        <Fact label={t('feedback:staff.channelLabel')}>
          {t(`feedback:staff.channel.${r.channel}`)} · {formatDateTime(r.createdAt)}
        </Fact>
        <Fact label={t('feedback:track.office')}>
          {office} ({t(`feedback:staff.level.${r.handlingLevel}`)}, {t(`identity:roles.${r.handlerRole}`)})
        </Fact>
        <Fact label={t('feedback:staff.dueAt')}>
          {formatDateTime(r.dueAt)}
          <Overdue page={page} r={r} now={now} />
        </Fact>
        {r.assigneeLabel && <Fact label={t('feedback:staff.assignee')}>{r.assigneeLabel}</Fact>}
        {r.rating && (
          <Fact label={t('feedback:track.rating')}>{t(`feedback:track.ratings.${r.rating}`)}</Fact>
        )}
      </tbody>
    </table>
  );
}

/** Each stage's deadline, when it was done, and how it stands now (decision 023). */
function Stages({ page, info, now }: StaffReportProps) {
  const t = page.t;
  const s = info.state;
  const rows = STAGES.filter((k) => s.stages[k].dueAt || s.stages[k].doneAt);
  if (rows.length === 0) return null;
  return (
    <>
      <h2>{t('feedback:stages.title')}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('feedback:stages.stage')}</th>
            <th scope="col">{t('feedback:stages.due')}</th>
            <th scope="col">{t('feedback:stages.done')}</th>
            <th scope="col">{t('feedback:stages.verdict')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((k) => {
            const c = s.stages[k];
            const v = verdictAt(k, c, now, s.closedAt);
            return (
              <tr key={k}>
                <th scope="row">{t(`feedback:stage.${k}`)}</th>
                <td>{c.dueAt ? formatDateTime(c.dueAt) : '—'}</td>
                <td>{c.doneAt ? formatDateTime(c.doneAt) : '—'}</td>
                <td>
                  {v === 'late' || v === 'overdue' ? (
                    <strong class="err">{t(`feedback:verdict.${v}`)}</strong>
                  ) : v ? (
                    t(`feedback:verdict.${v}`)
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p class="muted">{t('feedback:stages.hint')}</p>
    </>
  );
}

/** What was reported, by whom (the contact staff need and nobody else sees), and the answer. */
function Content({ page, info }: StaffReportProps) {
  const r = info.report;
  const t = page.t;
  return (
    <>
      <h2>{t('feedback:track.description')}</h2>
      <p style="white-space:pre-line">{r.description}</p>
      <h2>{t('feedback:staff.contact')}</h2>
      <p>
        {[r.contactName, r.contactPhone, r.contactEmail].filter(Boolean).join(' · ') ||
          t('feedback:staff.anonymous')}
      </p>
      {(info.photos.length > 0 || r.mediaUrl) && <h2>{t('feedback:track.photos')}</h2>}
      {info.photos.map((p) => (
        <Photo key={p.id} src={`/phan-anh/anh/${p.id}`} alt={t('feedback:track.photos')} />
      ))}
      {r.mediaUrl && (
        <p>
          <a href={r.mediaUrl} rel="noopener noreferrer nofollow">
            {t('feedback:staff.externalMedia')}
          </a>
        </p>
      )}
      {r.publicReply && (
        <div class="notice">
          <h2>{t('feedback:track.answer')}</h2>
          <p style="white-space:pre-line">{r.publicReply}</p>
        </div>
      )}
    </>
  );
}

/** The whole log, internal notes included. */
function Log({ page, info }: StaffReportProps) {
  const t = page.t;
  return (
    <>
      <h2>{t('feedback:track.history')}</h2>
      <ol>
        {info.log.map((a) => (
          <li key={a.id}>
            {formatDateTime(a.at)} ·{' '}
            {a.actorKind === 'reporter' || a.actorKind === 'system'
              ? t(`feedback:staff.actor.${a.actorKind}`)
              : a.actorLabel}
            :{' '}
            {t(`feedback:actions.${a.type}`, {
              name: a.details.label,
              code: a.details.intoCode,
              rating: a.details.rating,
            })}
            {a.type === 'note' && <span class="tag"> {t('feedback:staff.internal')}</span>}
            {a.body && <p style="white-space:pre-line">{a.body}</p>}
          </li>
        ))}
      </ol>
    </>
  );
}

/** A form for each action the handler may take now; each posts to /quan-tri/phan-anh/{id}/{slug}. */
function Actions(props: StaffReportProps) {
  const { page, info } = props;
  const t = page.t;
  const base = `/quan-tri/phan-anh/${info.report.id}`;
  const can = (k: ActionType) => info.actions.includes(k);
  const v = props.state.values;
  const e = props.state.errors;
  return (
    <>
      {info.actions.length > 0 && <h2>{t('feedback:staff.actions')}</h2>}
      <ReplyActions {...props} />
      <RefuseOrAsk {...props} />
      {can('close') && (
        <ActionForm
          page={page}
          action={`${base}/dong`}
          label={t('feedback:staff.closeSubmit')}
          kind="secondary"
        />
      )}
      {can('merge') && (
        <ActionForm
          page={page}
          action={`${base}/gop`}
          label={t('feedback:staff.mergeSubmit')}
          kind="secondary"
        >
          <Field
            name="into"
            label={`${t('feedback:staff.merge')}: ${t('feedback:staff.mergeInto')}`}
            value={v.into}
            error={e.into}
          />
        </ActionForm>
      )}
      {can('reopen') && (
        <ActionForm
          page={page}
          action={`${base}/mo-lai`}
          label={t('feedback:staff.reopenSubmit')}
          kind="secondary"
        >
          <Field name="reason" label={t('feedback:staff.reopenBody')} value={v.reason} error={e.reason} />
        </ActionForm>
      )}
      {can('note') && (
        <ActionForm
          page={page}
          action={`${base}/ghi-chu`}
          label={t('feedback:staff.noteSubmit')}
          kind="secondary"
        >
          <TextArea name="note" label={t('feedback:staff.note')} value={v.note} error={e.note} rows={3} />
        </ActionForm>
      )}
    </>
  );
}

/** The other ways out of the first step: refuse it, or ask the reporter for more. */
function RefuseOrAsk({ page, state, info }: StaffReportProps) {
  const t = page.t;
  const base = `/quan-tri/phan-anh/${info.report.id}`;
  const can = (k: ActionType) => info.actions.includes(k);
  const v = state.values;
  const e = state.errors;
  return (
    <>
      {can('request_info') && (
        <ActionForm
          page={page}
          action={`${base}/yeu-cau-bo-sung`}
          label={t('feedback:requestInfo.submit')}
          kind="secondary"
        >
          <TextArea
            name="question"
            label={t('feedback:requestInfo.title')}
            hint={t('feedback:requestInfo.hint')}
            value={v.question}
            error={e.question}
            rows={3}
          />
        </ActionForm>
      )}
      {can('refuse') && (
        <ActionForm
          page={page}
          action={`${base}/tu-choi`}
          label={t('feedback:refuse.submit')}
          kind="secondary"
        >
          <TextArea
            name="reason"
            label={`${t('feedback:refuse.title')}: ${t('feedback:refuse.reason')}`}
            value={v.reason}
            error={e.reason}
            rows={3}
          />
        </ActionForm>
      )}
    </>
  );
}

/** The way to an answer: acknowledge (perhaps in another category), assign, reply, publish. */
function ReplyActions({ page, state, info, categories }: StaffReportProps) {
  const r = info.report;
  const t = page.t;
  const base = `/quan-tri/phan-anh/${r.id}`;
  const can = (k: ActionType) => info.actions.includes(k);
  const v = state.values;
  const e = state.errors;
  const me = page.actor.kind === 'staff' ? page.actor.userId : undefined;
  return (
    <>
      {can('acknowledge') && (
        <ActionForm page={page} action={`${base}/tiep-nhan`} label={t('feedback:staff.acknowledge')}>
          <Select
            name="category"
            label={t('feedback:form.category')}
            options={[...categories.values()]
              .filter((c) => c.active)
              .map((c) => ({ value: c.code, label: categoryName(c, page) }))}
            value={v.category ?? categories.get(r.categoryId)?.code}
            error={e.category}
          />
          <small class="hint">{t('feedback:staff.acknowledgeHint')}</small>
        </ActionForm>
      )}
      {can('assign') && (
        <ActionForm page={page} action={`${base}/giao`} label={t('feedback:staff.assign')}>
          <Select
            name="assignee"
            label={t('feedback:staff.assign')}
            options={[
              { value: 'me', label: t('feedback:staff.assignMe') },
              ...info.assignable
                .filter((h) => h.userId !== me)
                .map((h) => ({ value: String(h.userId), label: h.displayName })),
            ]}
            value={v.assignee}
            error={e.assignee}
          />
        </ActionForm>
      )}
      {can('reply') && (
        <ActionForm page={page} action={`${base}/tra-loi`} label={t('feedback:staff.replySubmit')}>
          <TextArea
            name="reply"
            label={t('feedback:staff.reply')}
            hint={t('feedback:staff.replyHint')}
            value={v.reply ?? r.publicReply ?? undefined}
            error={e.reply}
          />
        </ActionForm>
      )}
      {can('publish') && (
        <ActionForm page={page} action={`${base}/cong-khai`} label={t('feedback:staff.publishSubmit')}>
          <h3>{t('feedback:staff.publish')}</h3>
          <small class="hint">{t('feedback:staff.publishHint')}</small>
          <TextArea
            name="description"
            label={t('feedback:staff.publishDescription')}
            value={v.description ?? redact(r.description, r)}
            error={e.description}
          />
          {info.photos.length > 0 && (
            <label>
              <input type="checkbox" name="photos" value="on" style="width:auto;display:inline" />{' '}
              {t('feedback:staff.publishPhotos')}
            </label>
          )}
        </ActionForm>
      )}
    </>
  );
}
