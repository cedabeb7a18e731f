import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { calendarOf, daysBetween, dueFor, vietnamIso, yearBases } from './calendar.public.ts';
import { DaysOut, DaysQuery, DueOut, DueQuery } from './calendar.schemas.ts';

const Problem = z.object({ type: z.string(), status: z.number(), detail: z.string() }).loose();

/**
 * The public calendar API, for integrators and for people planning a trip to the commune office: no
 * sign-in. The due time is computed by the very function the dossiers clock uses (`statutoryDue`),
 * on the same province calendar, so it answers what a dossier received at that instant would show.
 */
export function registerCalendarApi(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/v1/calendar/days',
    {
      schema: {
        tags: ['calendar'],
        summary:
          'Each day from `from` to `to` (at most 366): a working day or not, and why (the holiday and the notice that set it, a swap, a weekend, the province’s own day)',
        querystring: DaysQuery,
        response: { 200: DaysOut, 400: Problem, 404: Problem },
      },
    },
    async (req) => {
      const { province, calendar } = await calendarOf(req.ctx().db, req.query.province);
      return {
        province: province ? { code: province.code, name: province.fullName } : null,
        from: req.query.from,
        to: req.query.to,
        years: yearBases(req.query.from, req.query.to, calendar),
        days: daysBetween(req.query.from, req.query.to, calendar),
      };
    },
  );

  app.get(
    '/api/v1/calendar/due',
    {
      schema: {
        tags: ['calendar'],
        summary:
          'The statutory due time of a dossier received at `received` with a time limit of `days`, as the dossiers module computes it (the day of receipt does not count; close of office on the last working day; same-day limits end the next working day when received at or after 15:00)',
        querystring: DueQuery,
        response: { 200: DueOut, 400: Problem, 404: Problem },
      },
    },
    async (req) => {
      const { province, calendar } = await calendarOf(req.ctx().db, req.query.province);
      const received = new Date(req.query.received);
      const due = dueFor(received, req.query.days, req.query.unit, calendar);
      return {
        province: province ? { code: province.code, name: province.fullName } : null,
        received: received.toISOString(),
        days: req.query.days,
        unit: req.query.unit,
        dueAt: due.toISOString(),
        dueAtLocal: vietnamIso(due),
      };
    },
  );
}
