import type { Place } from '#modules/places/index.ts';
import { Field, Form, Notice, Select, TextArea } from '#web/form.tsx';
import type { FormState } from '#web/form-action.ts';
import { Layout, type PageCtx } from '#web/layout.tsx';
import { PHOTOS_PER_REPORT } from '../feedback.photos.ts';
import type { Category } from '../feedback.service.ts';
import { categoryName, PhotoInput, PlaceSearch } from './common.tsx';

// Reporting: the place in plain GET steps (search by name, or province then commune), then one
// multipart form. Staff at the counter see the same pages with a notice.

export function PlaceStepPage({
  page,
  counter,
  q,
  choices,
  parents,
  provinces,
  province,
  communes,
}: {
  page: PageCtx;
  /** Staff filing for someone at the counter. */
  counter: boolean;
  /** The name search as typed, and the communes and villages it found. */
  q: string;
  choices: Place[];
  /** The communes of the villages found. */
  parents: Map<number, Place>;
  provinces: Place[];
  /** The province chosen, and its communes. */
  province: Place | undefined;
  communes: Place[];
}) {
  const t = page.t;
  return (
    <Layout page={page} title={t('feedback:send')}>
      <h1>{t('feedback:send')}</h1>
      {counter && <p class="notice">{t('feedback:form.counter')}</p>}
      <h2>{t('feedback:place.step')}</h2>
      <PlaceSearch page={page} action="/phan-anh/gui" q={q} />
      {q.length >= 2 && choices.length === 0 && <p>{t('feedback:place.none')}</p>}
      {choices.length > 0 && (
        <ul class="cards">
          {choices.map((p) => {
            const parent = parents.get(p.parentId ?? 0);
            const href =
              p.level === 'village' && parent
                ? `/phan-anh/gui?xa=${parent.code}&thon=${encodeURIComponent(p.code)}`
                : `/phan-anh/gui?xa=${p.code}`;
            return (
              <li key={p.id}>
                <a href={href}>{p.fullName}</a>
                {parent && <span class="muted"> · {parent.fullName}</span>}
              </li>
            );
          })}
        </ul>
      )}
      <form method="get" action="/phan-anh/gui">
        <Select
          name="tinh"
          label={t('feedback:place.province')}
          options={provinces.map((p) => ({ value: p.code, label: p.fullName }))}
          value={province?.code}
        />
        {!province && <button type="submit">{t('feedback:place.next')}</button>}
      </form>
      {province && (
        <form method="get" action="/phan-anh/gui">
          <input type="hidden" name="tinh" value={province.code} />
          <Select
            name="xa"
            label={t('feedback:place.commune')}
            options={communes.map((p) => ({ value: p.code, label: p.fullName }))}
          />
          <button type="submit">{t('feedback:place.next')}</button>
        </form>
      )}
    </Layout>
  );
}

export interface ReportFormProps {
  page: PageCtx;
  state: FormState;
  counter: boolean;
  commune: Place;
  province: Place | undefined;
  /** The commune's current villages; the one chosen in step 1, if any. */
  villages: Place[];
  village: string;
  categories: Category[];
  /** The idempotency key: a form sent twice makes one report. */
  formKey: string;
  /** A signed-in citizen's phone, offered as the contact. */
  phone: string | undefined;
}

export function ReportFormPage(props: ReportFormProps) {
  const { page, state, counter, commune, province, formKey } = props;
  const t = page.t;
  return (
    <Layout page={page} title={t('feedback:send')}>
      <h1>{t('feedback:send')}</h1>
      {counter && <p class="notice">{t('feedback:form.counter')}</p>}
      <Notice text={state.message} />
      <Form page={page} action="/phan-anh/gui" errors={state.errors} enctype="multipart/form-data">
        <input type="hidden" name="key" value={formKey} />
        <input type="hidden" name="commune" value={commune.code} />
        <p>
          <strong>{t('feedback:place.chosen')}:</strong> {commune.fullName}
          {province ? `, ${province.fullName}` : ''} ·{' '}
          <a href={`/phan-anh/gui${province ? `?tinh=${province.code}` : ''}`}>
            {t('feedback:place.change')}
          </a>
        </p>
        <WhatAndWhere {...props} />
        <PhotoInput page={page} label={t('feedback:form.photos', { max: PHOTOS_PER_REPORT })} />
        <Contact {...props} />
        <button type="submit">{t('feedback:form.submit')}</button>
      </Form>
    </Layout>
  );
}

function WhatAndWhere({ page, state, villages, village, categories }: ReportFormProps) {
  const t = page.t;
  const v = state.values;
  return (
    <>
      {villages.length > 0 && (
        <Select
          name="village"
          label={t('feedback:place.village')}
          options={[
            { value: '', label: t('feedback:place.villageUnknown') },
            ...villages.map((p) => ({ value: p.code, label: p.fullName })),
          ]}
          value={v.village ?? village}
          error={state.errors.village}
        />
      )}
      <Select
        name="category"
        label={t('feedback:form.category')}
        options={categories.map((c) => ({ value: c.code, label: categoryName(c, page) }))}
        value={v.category}
        error={state.errors.category}
      />
      <TextArea
        name="description"
        label={t('feedback:form.description')}
        hint={t('feedback:form.descriptionHint')}
        value={v.description}
        error={state.errors.description}
      />
      <Field
        name="landmark"
        label={t('feedback:form.landmark')}
        hint={t('feedback:form.landmarkHint')}
        value={v.landmark}
        error={state.errors.landmark}
      />
      <fieldset>
        <legend>{t('feedback:form.gps')}</legend>
        <small class="hint">{t('feedback:form.gpsHint')}</small>
        <Field
          name="lat"
          label={t('feedback:form.lat')}
          value={v.lat}
          error={state.errors.lat}
          inputmode="text"
        />
        <Field
          name="long"
          label={t('feedback:form.long')}
          value={v.long}
          error={state.errors.long}
          inputmode="text"
        />
      </fieldset>
    </>
  );
}

function Contact({ page, state, phone }: ReportFormProps) {
  const t = page.t;
  const v = state.values;
  return (
    <fieldset>
      <legend>{t('feedback:form.contact')}</legend>
      <small class="hint">{t('feedback:form.contactHint')}</small>
      <Field
        name="name"
        label={t('feedback:form.name')}
        value={v.name}
        error={state.errors.name}
        autocomplete="name"
      />
      <Field
        name="phone"
        type="tel"
        label={t('feedback:form.phone')}
        value={phone}
        error={state.errors.phone}
        inputmode="tel"
        autocomplete="tel"
      />
      <Field
        name="email"
        type="email"
        label={t('feedback:form.email')}
        value={v.email}
        error={state.errors.email}
        autocomplete="email"
      />
    </fieldset>
  );
}
