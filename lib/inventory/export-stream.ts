import "server-only";
import { logger } from "@/lib/logger";
import type { ExportEncoder, InventoryLine } from "./export-format";

/** Exports of one organisation running at once in one server process; the next one is refused. */
export const MAX_EXPORTS_PER_ORG = 2;

// Kept on globalThis: one count per process, whichever bundle of the app loaded this module.
const g = globalThis as unknown as { __gatehouseExports?: Map<string, number> };
const running = (g.__gatehouseExports ??= new Map<string, number>());

/** How many exports of the organisation this process is sending now. */
export function exportsRunning(orgId: string): number {
  return running.get(orgId) ?? 0;
}

/**
 * Takes one of the organisation's export slots: the release function (safe to call more than
 * once), or null when all are taken.
 */
export function acquireExportSlot(orgId: string): (() => void) | null {
  const now = exportsRunning(orgId);
  if (now >= MAX_EXPORTS_PER_ORG) return null;
  running.set(orgId, now + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = exportsRunning(orgId) - 1;
    if (left > 0) running.set(orgId, left);
    else running.delete(orgId);
  };
}

/**
 * The export as a byte stream that reads the next keyset page only when the client has taken the
 * previous one (pull), so memory holds one page however large the file. `release` runs exactly
 * once, when the stream ends: completed, failed (the response is then cut short, never closed as
 * if complete) or cancelled by the client.
 */
export function exportStream(pages: AsyncIterable<InventoryLine[]>, encoder: ExportEncoder, release: () => void, requestId: string): ReadableStream<Uint8Array> {
  const iterator = pages[Symbol.asyncIterator]();
  const bytes = new TextEncoder();
  let started = false;
  let any = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          if (!started) {
            started = true;
            controller.enqueue(bytes.encode(encoder.head()));
            return;
          }
          const next = await iterator.next();
          if (next.done) {
            controller.enqueue(bytes.encode(encoder.tail(any)));
            controller.close();
            release();
            return;
          }
          controller.enqueue(bytes.encode(encoder.page(next.value, !any)));
          any = true;
        } catch (err) {
          release();
          logger.error("an export failed while it was being sent", { requestId, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
          controller.error(err);
        }
      },
      async cancel() {
        release();
        await iterator.return?.();
      },
    },
    // Nothing is read ahead of the client: a page is fetched when the previous one was taken.
    { highWaterMark: 0 },
  );
}
