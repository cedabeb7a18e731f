/**
 * Typed in-process events between modules. A module declares its events by augmenting `EventMap`
 * from its own index.ts:
 *   declare module '#platform/events.ts' { interface EventMap { 'dossiers.decided': {...} } }
 * Emit after the transaction that made the change has committed.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging in each module
export interface EventMap {}

type Handler<P> = (payload: P) => Promise<void> | void;

export class Events {
  private handlers = new Map<string, Handler<unknown>[]>();

  constructor(private readonly onError: (event: string, error: unknown) => void) {}

  on<K extends keyof EventMap & string>(name: K, handler: Handler<EventMap[K]>) {
    const list = this.handlers.get(name) ?? [];
    list.push(handler as Handler<unknown>);
    this.handlers.set(name, list);
  }

  async emit<K extends keyof EventMap & string>(name: K, payload: EventMap[K]) {
    for (const handler of this.handlers.get(name) ?? []) {
      try {
        await handler(payload);
      } catch (e) {
        // A listener's failure must not undo or fail the change that has already committed.
        this.onError(name, e);
      }
    }
  }
}
