import { toVietnamDate } from '#modules/calendar/index.ts';

// Dates as people in Vietnam read them, in Vietnam's time (UTC+7), for pages and messages. One
// copy for the module; issue 13 item 5 plans one Vietnamese date module for the whole platform.

/** dd/mm/yyyy */
export function vnDate(d: Date) {
  const [y, m, day] = toVietnamDate(d).split('-');
  return `${day}/${m}/${y}`;
}

/** HH:mm dd/mm/yyyy */
export function vnDateTime(d: Date) {
  const t = new Date(d.getTime() + 7 * 3_600_000).toISOString().slice(11, 16);
  return `${t} ${vnDate(d)}`;
}
