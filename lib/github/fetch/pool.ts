import "server-only";

// Bounded-concurrency map that yields results in completion order.
// Invariant: at most `concurrency` calls of `run` are in flight; a rejection of `run` ends the
// iteration with that error (callers turn per-item failures into values before they get here).

export async function* mapPool<T, R>(items: readonly T[], concurrency: number, run: (item: T) => Promise<R>): AsyncGenerator<R> {
  const inFlight = new Map<number, Promise<{ id: number; result: R }>>();
  let next = 0;
  const start = () => {
    const id = next;
    const item = items[next++] as T;
    const promise = run(item).then((result) => ({ id, result }));
    promise.catch(() => {}); // a failure is rethrown by the race below, never left unhandled
    inFlight.set(id, promise);
  };
  while (next < items.length && inFlight.size < concurrency) start();
  while (inFlight.size > 0) {
    const { id, result } = await Promise.race(inFlight.values());
    inFlight.delete(id);
    if (next < items.length) start();
    yield result;
  }
}
