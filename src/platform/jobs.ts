import PgBoss from 'pg-boss';
import { type Database, pgliteDates, pgliteOf } from './db/client.ts';

/** Advisory lock key for creating queues (migrations 872_341_001, places import 002, demo seed 003). */
const QUEUE_CREATION_LOCK = 872_341_004;

export type JobHandler<T> = (data: T) => Promise<void>;

/**
 * Background jobs on PostgreSQL (pg-boss). On a server pg-boss keeps its own pool; on PGlite it
 * shares the single embedded connection through a small adapter: statements without parameters
 * may hold several commands, which PGlite only runs through `exec`.
 */
export class Jobs {
  private boss: PgBoss;
  private queues = new Set<string>();

  constructor(
    private database: Database,
    opts: { url?: string | undefined; onError: (e: unknown) => void },
  ) {
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
    const create = async () => {
      if (!(await this.boss.getQueue(name))) await this.boss.createQueue(name);
    };
    // pg-boss's create_queue deadlocks when two processes create the same new queue at once, and
    // waits for PostgreSQL's deadlock detector to break it: processes sharing a server take turns.
    if (this.database.kind === 'postgres') await this.database.withLock(QUEUE_CREATION_LOCK, create);
    else await create();
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
