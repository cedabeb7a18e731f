import type { ComponentChildren } from 'preact';
import type { Place } from '#modules/places/index.ts';
import { formatDateTime } from '#platform/i18n/dates.ts';
import { ActionForm, Field, Form, Notice, Select } from '#web/form.tsx';
import type { FormState } from '#web/form-action.ts';
import { Layout, type PageCtx } from '#web/layout.tsx';
import { HANDLER_ROLES } from '../feedback.schemas.ts';
import type { Category } from '../feedback.service.ts';
import type { listApiKeys, listContacts } from '../feedback.settings.ts';
import { NATIONAL_STAGE_DAYS } from '../feedback.workflow.ts';
import { categoryName } from './common.tsx';

// Settings (/quan-tri/phan-anh/cai-dat): categories (province admins edit them, other staff read
// them), Open311 API keys and the offices' notification addresses (admins, in their scope).

export interface SettingsProps {
  page: PageCtx;
  state: FormState;
  categories: Category[];
  keys: Awaited<ReturnType<typeof listApiKeys>>;
  contacts: Awaited<ReturnType<typeof listContacts>>;
  /** The places of the keys and the addresses, by id. */
  places: Map<number, Place>;
  /** Whether the viewer may edit categories, and the one chosen for editing (`?sua=code`). */
  editable: boolean;
  editing: Category | undefined;
  /** Whether the viewer is an admin somewhere: keys and addresses are theirs to manage. */
  isAdmin: boolean;
  /** Shown above everything: a new API key, once. */
  extra: ComponentChildren;
}

export function SettingsPage(props: SettingsProps) {
  const { page, state, extra, editable, isAdmin } = props;
  const t = page.t;
  return (
    <Layout page={page} title={t('feedback:settings.title')}>
      <p>
        <a href="/quan-tri/phan-anh">{t('feedback:staff.queue')}</a>
      </p>
      <h1>{t('feedback:settings.title')}</h1>
      <Notice text={state.message} />
      {extra}
      <h2>{t('feedback:settings.categories')}</h2>
      <CategoryTable {...props} />
      {editable ? (
        <CategoryEditor {...props} />
      ) : (
        <p class="muted">{t('feedback:settings.categoriesReadOnly')}</p>
      )}
      {isAdmin && (
        <>
          <ApiKeys {...props} />
          <Contacts {...props} />
        </>
      )}
    </Layout>
  );
}

function CategoryTable({ page, categories, editable }: SettingsProps) {
  const t = page.t;
  return (
    <table>
      <tbody>
        {categories.map((c) => (
          <tr key={c.id}>
            <td>
              <code>{c.code}</code>
            </td>
            <td>
              {categoryName(c, page)}
              {!c.active && <span class="tag"> {t('feedback:settings.inactive')}</span>}
            </td>
            <td>
              {t(`identity:roles.${c.handlerRole}`)}, {t(`feedback:staff.level.${c.handlerLevel}`)};{' '}
              {t('feedback:settings.stagesShort', {
                accept: c.acceptDays,
                info: c.infoDays,
                answer: c.deadlineDays,
                publish: c.publishDays,
              })}
            </td>
            {editable && (
              <td>
                <a href={`/quan-tri/phan-anh/cai-dat?sua=${c.code}#f-code`}>{t('feedback:settings.save')}</a>
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Add a category, or change the one being edited; what was typed wins over what is saved. */
function CategoryEditor({ page, state, editing }: SettingsProps) {
  const t = page.t;
  const v = state.values;
  const e = state.errors;
  const cv = (k: keyof Category, fallback = '') =>
    v[k] ?? (editing ? (editing[k] === null ? '' : String(editing[k])) : fallback);
  // The text fields, each labelled by the message of its own name.
  const text = (name: keyof Category & string, required?: boolean) => (
    <Field
      name={name}
      label={t(`feedback:settings.${name}`)}
      value={cv(name)}
      error={e[name]}
      required={required}
    />
  );
  return (
    <>
      <h3>{editing ? categoryName(editing, page) : t('feedback:settings.add')}</h3>
      <Form page={page} action="/quan-tri/phan-anh/cai-dat/linh-vuc" errors={e}>
        {text('code', true)}
        {text('nameVi', true)}
        {text('nameEn')}
        {text('descriptionVi')}
        {text('descriptionEn')}
        {text('keywords')}
        <Select
          name="handlerRole"
          label={t('feedback:settings.role')}
          options={HANDLER_ROLES.map((r) => ({ value: r, label: t(`identity:roles.${r}`) }))}
          value={cv('handlerRole', 'feedback_handler')}
          error={e.handlerRole}
        />
        <Select
          name="handlerLevel"
          label={t('feedback:settings.level')}
          options={[
            { value: 'commune', label: t('feedback:staff.level.commune') },
            { value: 'province', label: t('feedback:staff.level.province') },
          ]}
          value={cv('handlerLevel', 'commune')}
          error={e.handlerLevel}
        />
        <fieldset>
          <legend>{t('feedback:settings.days')}</legend>
          <small class="hint">{t('feedback:settings.stagesHint')}</small>
          {(
            [
              ['acceptDays', NATIONAL_STAGE_DAYS.accept],
              ['infoDays', NATIONAL_STAGE_DAYS.info],
              ['deadlineDays', NATIONAL_STAGE_DAYS.answer],
              ['publishDays', NATIONAL_STAGE_DAYS.publish],
            ] as const
          ).map(([name, national]) => (
            <Field
              key={name}
              name={name}
              type="number"
              label={t(`feedback:settings.${name}`)}
              value={cv(name, String(national))}
              error={e[name]}
              inputmode="numeric"
            />
          ))}
        </fieldset>
        <Field
          name="sortOrder"
          type="number"
          label={t('feedback:settings.order')}
          value={cv('sortOrder', '0')}
          error={e.sortOrder}
          inputmode="numeric"
        />
        <label>
          <input
            type="checkbox"
            name="active"
            value="on"
            checked={v.active === 'on' || (!('code' in v) && (editing ? editing.active : true))}
            style="width:auto;display:inline"
          />{' '}
          {t('feedback:settings.active')}
        </label>
        <button type="submit">{t('feedback:settings.save')}</button>
      </Form>
    </>
  );
}

function ApiKeys({ page, state, keys, places }: SettingsProps) {
  const t = page.t;
  const v = state.values;
  const e = state.errors;
  return (
    <>
      <h2>{t('feedback:settings.apiKeys')}</h2>
      <p class="muted">{t('feedback:settings.apiKeysHint')}</p>
      {keys.length === 0 && <p>{t('feedback:settings.none')}</p>}
      <ul>
        {keys.map((k) => (
          <li key={k.id}>
            <strong>{k.name}</strong> <code>{k.keyPrefix}…</code> · {places.get(k.placeId)?.fullName} ·{' '}
            {k.requestsPerMinute}/min
            {k.lastUsedAt && (
              <span class="muted">
                {' '}
                · {t('feedback:settings.lastUsed', { date: formatDateTime(k.lastUsedAt) })}
              </span>
            )}
            {k.revokedAt ? (
              <span class="tag"> {t('feedback:settings.revoked')}</span>
            ) : (
              <>
                {' '}
                <ActionForm
                  page={page}
                  action={`/quan-tri/phan-anh/cai-dat/khoa-api/${k.id}/thu-hoi`}
                  label={t('feedback:settings.revoke')}
                  kind="link"
                  inline
                />
              </>
            )}
          </li>
        ))}
      </ul>
      <Form page={page} action="/quan-tri/phan-anh/cai-dat/khoa-api">
        <Field name="name" label={t('feedback:settings.keyName')} value={v.name} error={e.name} required />
        <Field
          name="placeCode"
          label={t('feedback:settings.keyPlace')}
          value={v.placeCode}
          error={e.placeCode}
          required
        />
        <Field
          name="requestsPerMinute"
          type="number"
          label={t('feedback:settings.keyRate')}
          value={v.requestsPerMinute ?? '60'}
          error={e.requestsPerMinute}
          inputmode="numeric"
        />
        <button type="submit">{t('feedback:settings.createKey')}</button>
      </Form>
    </>
  );
}

function Contacts({ page, state, contacts, places }: SettingsProps) {
  const t = page.t;
  const v = state.values;
  const e = state.errors;
  return (
    <>
      <h2>{t('feedback:settings.contacts')}</h2>
      <p class="muted">{t('feedback:settings.contactsHint')}</p>
      {contacts.length === 0 && <p>{t('feedback:settings.none')}</p>}
      <ul>
        {contacts.map((c) => (
          <li key={c.id}>
            {places.get(c.placeId)?.fullName}: {c.channel} <code>{c.recipient}</code>{' '}
            <ActionForm
              page={page}
              action={`/quan-tri/phan-anh/cai-dat/lien-he/${c.id}/xoa`}
              label={t('feedback:settings.remove')}
              kind="link"
              inline
            />
          </li>
        ))}
      </ul>
      <Form page={page} action="/quan-tri/phan-anh/cai-dat/lien-he">
        <Field
          name="placeCode"
          label={t('feedback:settings.contactPlace')}
          value={v.placeCode}
          error={e.placeCode}
          required
        />
        <Select
          name="channel"
          label={t('feedback:settings.channel')}
          options={[
            { value: 'sms', label: 'SMS' },
            { value: 'email', label: 'Email' },
          ]}
          value={v.channel}
        />
        <Field
          name="recipient"
          label={t('feedback:settings.recipient')}
          value={v.recipient}
          error={e.recipient}
          required
        />
        <button type="submit">{t('feedback:settings.addContact')}</button>
      </Form>
    </>
  );
}
