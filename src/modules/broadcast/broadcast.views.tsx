import type { Place } from '#modules/places/index.ts';
import { formatDateTime } from '#platform/i18n/dates.ts';
import type { T } from '#platform/i18n/index.ts';
import { Field } from '#web/form.tsx';
import type { FormState } from '#web/form-action.ts';
import type { PageCtx } from '#web/layout.tsx';
import { WEEKDAY_BITS } from './broadcast.schedule.ts';
import type { ClusterStatus } from './broadcast.tables.ts';

/** Small pieces shared by the operator and public pages. */

/** "06:30 23/11/2026", Vietnam time. */
export function fmtTime(d: Date | null | undefined): string {
  return d ? formatDateTime(d) : '';
}

export function ago(t: T, d: Date | null | undefined, now: Date): string {
  if (!d) return t('broadcast:ago.never');
  const minutes = Math.floor((now.getTime() - d.getTime()) / 60_000);
  if (minutes < 1) return t('broadcast:ago.now');
  if (minutes < 60) return t('broadcast:ago.minutes', { count: minutes });
  if (minutes < 48 * 60) return t('broadcast:ago.hours', { count: Math.floor(minutes / 60) });
  return t('broadcast:ago.days', { count: Math.floor(minutes / 1440) });
}

const STATUS_COLOUR: Record<ClusterStatus, string> = { online: '#0b6b2e', offline: '#b00020', never: '#555' };

export function StatusBadge({ t, status }: { t: T; status: ClusterStatus }) {
  return (
    <span class="tag" data-status={status} style={`color:${STATUS_COLOUR[status]};font-weight:600`}>
      {status === 'online' ? '● ' : status === 'offline' ? '○ ' : '· '}
      {t(`broadcast:status.${status}`)}
    </span>
  );
}

/** A form field's name, its value as typed (or a default) and its error, from the form's state. */
export function bound(state: FormState, name: string, fallback?: string) {
  return { name, value: state.values[name] ?? fallback, error: state.errors[name] };
}

/** A whole-number field that brings up the phone's number pad. */
export function NumberField(props: Omit<Parameters<typeof Field>[0], 'type' | 'inputmode'>) {
  return <Field {...props} type="number" inputmode="numeric" />;
}

/** Alerts as links to their delivery pages, newest first. */
export function AlertList({
  alerts,
}: {
  alerts: { id: number; headline: string | null; event: string; sent: Date }[];
}) {
  return (
    <ul>
      {alerts.map((a) => (
        <li key={a.id}>
          <a href={`/quan-tri/loa/canh-bao/${a.id}`}>{a.headline ?? a.event}</a> · {fmtTime(a.sent)}
        </li>
      ))}
    </ul>
  );
}

/** "Hằng ngày", or the weekdays of a schedule entry's mask. */
export function weekdaysLabel(t: T, mask: number) {
  if (mask === 127) return t('broadcast:bulletins.daily');
  return WEEKDAY_BITS.map((bit, i) => (mask & bit ? t(`broadcast:weekday.${i + 1}`) : ''))
    .filter(Boolean)
    .join(', ');
}

/** The operator's menu for one commune; the emergency link stands out. */
export function CommuneNav({ page, commune }: { page: PageCtx; commune: Place }) {
  const t = page.t;
  const base = `/quan-tri/loa/xa/${commune.code}`;
  const links: [string, string][] = [
    [base, t('broadcast:nav.dashboard')],
    [`${base}/ban-tin`, t('broadcast:nav.bulletins')],
    [`${base}/ban-tin/moi`, t('broadcast:nav.compose')],
    [`${base}/chuong-trinh`, t('broadcast:nav.programmes')],
    [`${base}/bao-cao`, t('broadcast:nav.reports')],
  ];
  return (
    <nav aria-label={t('broadcast:title')}>
      <p>
        {links.map(([href, label]) => (
          <span key={href}>
            <a href={href}>{label}</a>
            {' · '}
          </span>
        ))}
      </p>
      <p>
        <a class="button" href={`${base}/khan-cap`} style="background:#b00020">
          {t('broadcast:nav.emergency')}
        </a>
      </p>
    </nav>
  );
}

/** An audio preview that works without JavaScript, with a download link for browsers that cannot play Opus. */
export function AudioPreview({
  t,
  src,
  captions,
  mime,
  durationMs,
  kbps,
}: {
  t: T;
  src: string;
  /** WebVTT made from the bulletin's text, for people who cannot hear it. */
  captions: string;
  mime: string | null;
  durationMs: number | null;
  kbps: number | null;
}) {
  return (
    <figure style="margin:0 0 1rem">
      <audio controls preload="none" src={src} style="width:100%">
        <track kind="captions" src={captions} srclang="vi" label="Tiếng Việt" default />
        <a href={src}>{t('broadcast:bulletins.download')}</a>
      </audio>
      <figcaption class="muted">
        {durationMs
          ? t('broadcast:bulletins.duration', { seconds: Math.round(durationMs / 100) / 10, kbps })
          : ''}{' '}
        ·{' '}
        <a href={src} type={mime ?? undefined} download>
          {t('broadcast:bulletins.download')}
        </a>
      </figcaption>
    </figure>
  );
}

/** A bulletin's audio with its captions; staff hear any state (`/quan-tri/loa`), the public `/loa`. */
export function BulletinAudio({
  t,
  bulletin: b,
  base = '/quan-tri/loa',
}: {
  t: T;
  bulletin: {
    id: number;
    audioMime: string | null;
    audioDurationMs: number | null;
    audioKbps: number | null;
  };
  base?: string;
}) {
  return (
    <AudioPreview
      t={t}
      src={`${base}/ban-tin/${b.id}/am-thanh`}
      captions={`${base}/ban-tin/${b.id}/phu-de.vtt`}
      mime={b.audioMime}
      durationMs={b.audioDurationMs}
      kbps={b.audioKbps}
    />
  );
}

function vttTime(ms: number) {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${s.toFixed(3).padStart(6, '0')}`;
}

/**
 * Captions for a bulletin: its text split into sentences, each shown for a share of the audio's
 * length proportional to its length (speech runs at an even pace, so this stays close).
 */
export function captionsVtt(text: string, durationMs: number): string {
  const sentences = text
    .split(/(?<=[.!?;:])\s+|\n+/)
    .map((s) => s.trim())
    .filter(Boolean);
  const total = sentences.reduce((n, s) => n + s.length, 0) || 1;
  let at = 0;
  const cues = sentences.map((s, i) => {
    const end = i === sentences.length - 1 ? durationMs : at + Math.round((durationMs * s.length) / total);
    const cue = `${i + 1}\n${vttTime(at)} --> ${vttTime(end)}\n${s.replace(/-->/g, '→')}\n`;
    at = end;
    return cue;
  });
  return `WEBVTT\n\n${cues.join('\n')}`;
}
