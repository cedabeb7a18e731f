import { setTimeout as sleep } from 'node:timers/promises';
import PgBoss from 'pg-boss';
import { type Database, pgliteDates, pgliteOf } from './db/client.ts';

export type JobHandler<T> = (data: T) => Promise<void>;

/**
 * Background jobs on PostgreSQL (pg-boss). On a server pg-boss keeps its own pool; on PGlite it
 * shares the single embedded connection through a small adapter: statements without parameters
 * may hold several commands, which PGlite only runs through `exec`.
 */
export class Jobs {
  private boss: PgBoss;
  private queues = new Set<string>();

  constructor(database: Database, opts: { url?: string | undefined; onError: (e: unknown) => void }) {
    const pglite = pgliteOf(database);
    const common = { schema: 'pgboss' } as const;
    this.boss = pglite
      ? new PgBoss({
          ...common,
          db: {
            async executeSql(text: string, values: unknown[]) {
              if (values?.length) return pgliteDates(await pglite.query(text, values));
              const results = await pglite.exec(text);
              const last = results[results.length - 1];
              return last ? pgliteDates(last) : { rows: [] };
            },
          },
        })
      : new PgBoss({ ...common, connectionString: opts.url ?? '', max: 4 });
    this.boss.on('error', opts.onError);
  }

  async start() {
    await this.boss.start();
  }

  private async ensureQueue(name: string) {
    if (this.queues.has(name)) return;
    // pg-boss's create_queue deadlocks (40P01) when two processes create the same new queue at
    // once; the loser retries and then finds the queue the winner made.
    for (let attempt = 1; ; attempt++) {
      try {
        if (!(await this.boss.getQueue(name))) await this.boss.createQueue(name);
        break;
      } catch (e) {
        if ((e as { code?: string }).code !== '40P01' || attempt >= 5) throw e;
        await sleep(20 * attempt + Math.random() * 50);
      }
    }
    this.queues.add(name);
  }

  async send<T extends object>(name: string, data: T, options: PgBoss.SendOptions = {}) {
    await this.ensureQueue(name);
    return this.boss.send(name, data, options);
  }

  async work<T extends object>(
    name: string,
    handler: JobHandler<T>,
    options: { pollingIntervalSeconds?: number } = {},
  ) {
    await this.ensureQueue(name);
    await this.boss.work<T>(
      name,
      { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 },
      async (jobs) => {
        for (const job of jobs) await handler(job.data);
      },
    );
  }

  /** Cron in Asia/Ho_Chi_Minh; pg-boss makes sure one instance enqueues each occurrence. */
  async schedule(name: string, cron: string, data: object = {}) {
    await this.ensureQueue(name);
    await this.boss.schedule(name, cron, data, { tz: 'Asia/Ho_Chi_Minh' });
  }

  async stop() {
    await this.boss.stop({ graceful: true, wait: true, timeout: 5000 });
  }
}
