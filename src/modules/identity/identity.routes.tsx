import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ROLES, requireStaff, scopeOf } from '#platform/auth/actor.ts';
import { Unauthorized } from '#platform/errors.ts';
import type { Platform } from '#platform/platform.ts';
import { Field, Form, Notice, Select } from '#web/form.tsx';
import { type FormState, handleForm, safeNext } from '#web/form-action.ts';
import { Layout, type PageCtx } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import { staffLinksFor } from '#web/staff-menu.ts';
import {
  type AuthDeps,
  confirmTotp,
  requestCitizenCode,
  signInStaff,
  signOut,
  startTotpEnrolment,
  verifyCitizenCode,
} from './auth.service.ts';
import {
  CitizenCodeRequest,
  CitizenCodeVerify,
  NewGrant,
  NewUser,
  StaffSignIn,
  TotpConfirm,
} from './identity.schemas.ts';
import './identity.messages.ts';
import { createUser, getUser, grantRole, listUsers, revokeGrant } from './users.service.ts';

export const SESSION_COOKIE = 'xs_session';

export function setSessionCookie(reply: FastifyReply, platform: Platform, token: string, expiresAt: Date) {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: platform.config.cookieSecure,
    expires: expiresAt,
  });
}

function roleOptions(page: PageCtx) {
  return ROLES.map((r) => ({ value: r, label: page.t(`identity:roles.${r}`) }));
}

export function registerIdentityPages(app: FastifyInstance, platform: Platform, deps: AuthDeps) {
  // Staff sign-in
  const signInPage = async (req: FastifyRequest, reply: FastifyReply, state: FormState, status = 200) => {
    const page = await pageCtx(req, reply);
    const t = page.t;
    const next = (req.query as { next?: string }).next ?? state.values.next;
    return sendPage(
      reply,
      <Layout page={page} title={t('identity:signIn.title')}>
        <h1>{t('identity:signIn.title')}</h1>
        <Notice text={state.message} />
        <Form page={page} action="/dang-nhap" errors={state.errors}>
          {state.errors.username && <p class="hint">{t('identity:signIn.lockHint')}</p>}
          {next && <input type="hidden" name="next" value={next} />}
          <Field
            name="username"
            label={t('identity:signIn.username')}
            value={state.values.username}
            error={state.errors.username}
            autocomplete="username"
            required
          />
          <Field
            name="password"
            type="password"
            label={t('identity:signIn.password')}
            error={state.errors.password}
            autocomplete="current-password"
            required
          />
          <Field
            name="totp"
            label={t('identity:signIn.totp')}
            hint={t('identity:signIn.totpHint')}
            value={state.values.totp}
            error={state.errors.totp}
            inputmode="numeric"
            autocomplete="one-time-code"
          />
          <button type="submit">{t('identity:signIn.submit')}</button>
        </Form>
        <p>
          <a href="/cong-dan/dang-nhap">{t('identity:signIn.citizenHint')}</a>
        </p>
      </Layout>,
      status,
    );
  };
  app.get('/dang-nhap', (req, reply) => signInPage(req, reply, { values: {}, errors: {} }));
  app.post('/dang-nhap', (req, reply) =>
    handleForm(
      req,
      reply,
      StaffSignIn.extend({ next: z.string().optional() }),
      async (input) => {
        const s = await signInStaff(req.ctx(), deps, input, 'web');
        setSessionCookie(reply, platform, s.token, s.expiresAt);
        return safeNext(input.next, '/quan-tri', platform.config.PUBLIC_URL);
      },
      (state, status) => signInPage(req, reply, state, status),
    ),
  );

  app.post('/dang-xuat', async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE];
    if (token) await signOut(platform.database.db, token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/', 303);
  });

  // Citizens: phone + one-time code
  const phonePage = async (req: FastifyRequest, reply: FastifyReply, state: FormState, status = 200) => {
    const page = await pageCtx(req, reply);
    const t = page.t;
    return sendPage(
      reply,
      <Layout page={page} title={t('identity:citizen.title')}>
        <h1>{t('identity:citizen.title')}</h1>
        <p>{t('identity:citizen.intro')}</p>
        <Notice text={state.message} />
        <Form page={page} action="/cong-dan/dang-nhap" errors={state.errors}>
          <Field
            name="phone"
            type="tel"
            label={t('identity:citizen.phone')}
            hint={t('identity:citizen.phoneHint')}
            value={state.values.phone}
            error={state.errors.phone}
            inputmode="tel"
            autocomplete="tel"
            required
          />
          <button type="submit">{t('identity:citizen.send')}</button>
        </Form>
      </Layout>,
      status,
    );
  };
  app.get('/cong-dan/dang-nhap', (req, reply) => phonePage(req, reply, { values: {}, errors: {} }));
  app.post('/cong-dan/dang-nhap', (req, reply) =>
    handleForm(
      req,
      reply,
      CitizenCodeRequest,
      async ({ phone }) => {
        await requestCitizenCode(req.ctx(), deps, phone);
        return `/cong-dan/xac-thuc?phone=${encodeURIComponent(phone)}`;
      },
      (state, status) => phonePage(req, reply, state, status),
    ),
  );

  const codePage = async (req: FastifyRequest, reply: FastifyReply, state: FormState, status = 200) => {
    const page = await pageCtx(req, reply);
    const t = page.t;
    const phone = state.values.phone ?? (req.query as { phone?: string }).phone ?? '';
    return sendPage(
      reply,
      <Layout page={page} title={t('identity:citizen.codeTitle')}>
        <h1>{t('identity:citizen.codeTitle')}</h1>
        <p>
          {t('identity:citizen.codeIntro', {
            phone,
            minutes: Math.round(platform.config.OTP_TTL_SECONDS / 60),
          })}
        </p>
        <Notice text={state.message} />
        <Form page={page} action="/cong-dan/xac-thuc" errors={state.errors}>
          <input type="hidden" name="phone" value={phone} />
          <Field
            name="code"
            label={t('identity:citizen.code')}
            value={state.values.code}
            error={state.errors.code ?? state.errors.phone}
            inputmode="numeric"
            autocomplete="one-time-code"
            required
          />
          <button type="submit">{t('identity:citizen.verify')}</button>
        </Form>
        <p>
          <a href="/cong-dan/dang-nhap">{t('identity:citizen.resend')}</a>
        </p>
      </Layout>,
      status,
    );
  };
  app.get('/cong-dan/xac-thuc', (req, reply) => codePage(req, reply, { values: {}, errors: {} }));
  app.post('/cong-dan/xac-thuc', (req, reply) =>
    handleForm(
      req,
      reply,
      CitizenCodeVerify,
      async ({ phone, code }) => {
        const s = await verifyCitizenCode(req.ctx(), deps, phone, code);
        setSessionCookie(reply, platform, s.token, s.expiresAt);
        return '/cong-dan';
      },
      (state, status) => codePage(req, reply, state, status),
    ),
  );

  // The citizen's home, /cong-dan, gathers dossiers and feedback: src/app composes it.

  // Staff area
  app.get('/quan-tri', async (req, reply) => {
    if (req.actor.kind !== 'staff') return reply.redirect('/dang-nhap?next=/quan-tri', 303);
    const page = await pageCtx(req, reply);
    const t = page.t;
    const actor = req.actor;
    const isAdmin = scopeOf(actor, 'admin').length > 0;
    return sendPage(
      reply,
      <Layout page={page} title={t('identity:admin.title')}>
        <h1>{t('identity:admin.title')}</h1>
        <p>{t('identity:admin.hello', { name: actor.displayName })}</p>
        <h2>{t('identity:admin.yourRoles')}</h2>
        <ul>
          {actor.grants.map((g) => (
            <li key={`${g.role}-${g.placeId}`}>
              {t(`identity:roles.${g.role}`)} {t('identity:admin.at')}{' '}
              <a href={`/dia-ban/ma/${g.placeId}`}>{g.placeName}</a>
            </li>
          ))}
        </ul>
        <ul class="cards">
          {staffLinksFor(actor).map((l) => (
            <li key={l.href}>
              <a href={l.href}>{page.locale === 'en' ? l.label.en : l.label.vi}</a>
            </li>
          ))}
          {isAdmin && (
            <li>
              <a href="/quan-tri/nguoi-dung">{t('identity:admin.users')}</a>
            </li>
          )}
          {isAdmin && (
            <li>
              <a href="/quan-tri/nhat-ky">{t('identity:admin.audit')}</a>
            </li>
          )}
          {isAdmin && platform.config.SMS_ADAPTER === 'dev' && (
            <li>
              <a href="/quan-tri/tin-nhan">{t('identity:admin.outbox')}</a>
            </li>
          )}
          <li>
            <a href="/dia-ban">{t('identity:admin.places')}</a>
          </li>
          <li>
            <a href="/tai-khoan/bao-mat">{t('identity:admin.security')}</a>
          </li>
        </ul>
      </Layout>,
    );
  });

  const usersPage = async (req: FastifyRequest, reply: FastifyReply, state: FormState, status = 200) => {
    const page = await pageCtx(req, reply);
    const t = page.t;
    const users = await listUsers(req.ctx());
    const created = (req.query as { created?: string }).created;
    return sendPage(
      reply,
      <Layout page={page} title={t('identity:admin.users')}>
        <h1>{t('identity:admin.users')}</h1>
        <Notice text={created ? t('identity:admin.created', { username: created }) : state.message} />
        <table>
          <tbody>
            {users.map((u) => (
              <tr key={u.id}>
                <td>
                  <a href={`/quan-tri/nguoi-dung/${u.id}`}>{u.username}</a>
                </td>
                <td>{u.displayName}</td>
                <td class="muted">
                  {u.totpEnabled ? t('identity:admin.totpOn') : ''}{' '}
                  {u.disabled ? t('identity:admin.disabled') : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <h2>{t('identity:admin.newUser')}</h2>
        <Form page={page} action="/quan-tri/nguoi-dung" errors={state.errors}>
          <Field
            name="username"
            label={t('identity:signIn.username')}
            value={state.values.username}
            error={state.errors.username}
            required
          />
          <Field
            name="displayName"
            label={t('identity:admin.displayName')}
            value={state.values.displayName}
            error={state.errors.displayName}
            required
          />
          <Field
            name="password"
            type="password"
            label={t('identity:admin.initialPassword')}
            error={state.errors.password}
            autocomplete="new-password"
            required
          />
          <Field
            name="email"
            type="email"
            label={t('identity:admin.email')}
            value={state.values.email}
            error={state.errors.email}
          />
          <Field
            name="phone"
            type="tel"
            label={t('identity:admin.phone')}
            value={state.values.phone}
            error={state.errors.phone}
          />
          <Select
            name="role"
            label={t('identity:admin.role')}
            options={roleOptions(page)}
            value={state.values.role}
            error={state.errors.role}
          />
          <Field
            name="placeCode"
            label={t('identity:admin.placeCode')}
            hint={t('identity:admin.placeCodeHint')}
            value={state.values.placeCode}
            error={state.errors.placeCode}
            required
          />
          <button type="submit">{t('identity:admin.create')}</button>
        </Form>
      </Layout>,
      status,
    );
  };
  app.get('/quan-tri/nguoi-dung', async (req, reply) => {
    requireStaff(req.actor);
    return usersPage(req, reply, { values: {}, errors: {} });
  });
  app.post('/quan-tri/nguoi-dung', (req, reply) =>
    handleForm(
      req,
      reply,
      NewUser,
      async (input) => {
        const u = await createUser(req.ctx(), input);
        return `/quan-tri/nguoi-dung?created=${encodeURIComponent(u.username)}`;
      },
      (state, status) => usersPage(req, reply, state, status),
    ),
  );

  const Id = z.object({ id: z.coerce.number().int().positive() });
  const userPage = async (req: FastifyRequest, reply: FastifyReply, state: FormState, status = 200) => {
    const { id } = Id.parse(req.params);
    const user = await getUser(req.ctx(), id);
    const page = await pageCtx(req, reply);
    const t = page.t;
    return sendPage(
      reply,
      <Layout page={page} title={user.username}>
        <h1>
          {user.displayName} <span class="muted">({user.username})</span>
        </h1>
        <Notice text={state.message} />
        <h2>{t('identity:admin.grants')}</h2>
        <ul>
          {user.grants.map((g) => (
            <li key={g.id}>
              {t(`identity:roles.${g.role}`)} {t('identity:admin.at')} {g.placeName} ({g.placeCode}){' '}
              {g.manageable && (
                <form
                  method="post"
                  action={`/quan-tri/nguoi-dung/${user.id}/quyen/${g.id}/xoa`}
                  class="inline"
                >
                  <input type="hidden" name="_csrf" value={page.csrf} />
                  <button type="submit" class="link">
                    {t('identity:admin.revoke')}
                  </button>
                </form>
              )}
            </li>
          ))}
        </ul>
        <h2>{t('identity:admin.grant')}</h2>
        <Form page={page} action={`/quan-tri/nguoi-dung/${user.id}/quyen`} errors={state.errors}>
          <Select
            name="role"
            label={t('identity:admin.role')}
            options={roleOptions(page)}
            value={state.values.role}
            error={state.errors.role}
          />
          <Field
            name="placeCode"
            label={t('identity:admin.placeCode')}
            hint={t('identity:admin.placeCodeHint')}
            value={state.values.placeCode}
            error={state.errors.placeCode}
            required
          />
          <button type="submit">{t('identity:admin.grant')}</button>
        </Form>
      </Layout>,
      status,
    );
  };
  app.get('/quan-tri/nguoi-dung/:id', (req, reply) => userPage(req, reply, { values: {}, errors: {} }));
  app.post('/quan-tri/nguoi-dung/:id/quyen', (req, reply) =>
    handleForm(
      req,
      reply,
      NewGrant,
      async (input) => {
        const { id } = Id.parse(req.params);
        await grantRole(req.ctx(), id, input);
        return `/quan-tri/nguoi-dung/${id}`;
      },
      (state, status) => userPage(req, reply, state, status),
    ),
  );
  app.post('/quan-tri/nguoi-dung/:id/quyen/:grantId/xoa', async (req, reply) => {
    const { id, grantId } = z
      .object({ id: z.coerce.number().int(), grantId: z.coerce.number().int() })
      .parse(req.params);
    await revokeGrant(req.ctx(), id, grantId);
    return reply.redirect(`/quan-tri/nguoi-dung/${id}`, 303);
  });

  // Two-step verification
  const securityPage = async (req: FastifyRequest, reply: FastifyReply, state: FormState, status = 200) => {
    const enrolment = await startTotpEnrolment(req.ctx());
    const page = await pageCtx(req, reply);
    const t = page.t;
    return sendPage(
      reply,
      <Layout page={page} title={t('identity:security.title')}>
        <h1>{t('identity:security.title')}</h1>
        {enrolment.enabled ? (
          <p class="notice">{t('identity:security.enabled')}</p>
        ) : (
          <>
            <p>{t('identity:security.intro')}</p>
            <p>
              {t('identity:security.secret')}: <code>{enrolment.secret}</code>
            </p>
            <p>
              {t('identity:security.uri')}: <a href={enrolment.uri}>otpauth://</a>
            </p>
            <Form page={page} action="/tai-khoan/bao-mat" errors={state.errors}>
              <Field
                name="code"
                label={t('identity:security.code')}
                value={state.values.code}
                error={state.errors.code}
                inputmode="numeric"
                autocomplete="one-time-code"
                required
              />
              <button type="submit">{t('identity:security.confirm')}</button>
            </Form>
          </>
        )}
      </Layout>,
      status,
    );
  };
  app.get('/tai-khoan/bao-mat', async (req, reply) => {
    if (req.actor.kind !== 'staff') throw new Unauthorized();
    return securityPage(req, reply, { values: {}, errors: {} });
  });
  app.post('/tai-khoan/bao-mat', (req, reply) =>
    handleForm(
      req,
      reply,
      TotpConfirm,
      async ({ code }) => {
        await confirmTotp(req.ctx(), code);
        return '/tai-khoan/bao-mat';
      },
      (state, status) => securityPage(req, reply, state, status),
    ),
  );
}
