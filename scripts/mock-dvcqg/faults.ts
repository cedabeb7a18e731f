import { z } from 'zod';
import { msg } from '#platform/validation.ts';
import { SERVICE_TABLES } from './fields.ts';

/**
 * How the mock can be told to misbehave, the way the real portal and the networks between a
 * commune and Hà Nội do. A fault matches calls by service and/or dossier code and fires for the
 * next `times` matching calls (or until cleared); the first matching fault wins.
 */
const serviceName = z.enum(['login', ...(Object.keys(SERVICE_TABLES) as (keyof typeof SERVICE_TABLES)[])]);

export const faultSchema = z
  .strictObject({
    kind: z.enum(['refuse-session', 'timeout', 'http-500', 'error-code', 'drop']),
    /** Only calls to this service ("login" is the session call). */
    service: serviceName.optional(),
    /** Only calls that concern this dossier code. */
    maHoSo: z.string().min(1).optional(),
    /** How many matching calls it fires for (default 1); ignored with `untilCleared`. */
    times: z.number().int().min(1).max(1_000_000).optional(),
    untilCleared: z.boolean().optional(),
    /** timeout: how long the answer is held, in ms (default 30 000). */
    ms: z.number().int().min(0).max(600_000).optional(),
    /** error-code: the code to answer (default -9) and its message. */
    errorCode: z
      .number()
      .int()
      .refine((v) => v !== 0, msg('Mã lỗi phải khác 0.', 'The error code must not be 0.'))
      .optional(),
    message: z.string().max(500).optional(),
    /**
     * timeout, http-500, drop: whether the portal carries the call out before failing to answer.
     * Defaults: drop and timeout yes (the answer is lost, the write is not), http-500 no.
     */
    apply: z.boolean().optional(),
  })
  .superRefine((f, ctx) => {
    if (f.kind === 'refuse-session' && f.service && f.service !== 'login') {
      ctx.addIssue({
        code: 'custom',
        path: ['service'],
        message: msg('Từ chối phiên chỉ áp dụng cho "login".', 'refuse-session only applies to "login".'),
      });
    }
  });

export type FaultSpec = z.infer<typeof faultSchema>;

export interface Fault extends FaultSpec {
  id: number;
  /** Calls it has fired for so far. */
  fired: number;
}

export interface CallFacts {
  service: string;
  maHoSo: string[];
}

export class FaultBoard {
  private list: Fault[] = [];
  private nextId = 1;

  add(spec: FaultSpec): Fault {
    const parsed = faultSchema.parse(spec);
    const fault: Fault = {
      ...parsed,
      service: parsed.kind === 'refuse-session' ? 'login' : parsed.service,
      id: this.nextId++,
      fired: 0,
    };
    this.list.push(fault);
    return fault;
  }

  /** Faults still armed, in the order they were added. */
  active(): Fault[] {
    return this.list.filter((f) => f.untilCleared || f.fired < (f.times ?? 1));
  }

  all(): Fault[] {
    return [...this.list];
  }

  clear(): void {
    this.list = [];
  }

  /** The fault that fires for this call, if any; counts it as fired. */
  take(call: CallFacts): Fault | undefined {
    const fault = this.active().find(
      (f) => (!f.service || f.service === call.service) && (!f.maHoSo || call.maHoSo.includes(f.maHoSo)),
    );
    if (fault) fault.fired++;
    return fault;
  }
}
