import { parentPort, workerData } from "node:worker_threads";
import { createAnalysisCache } from "./cache";
import { analyzeFiles } from "./index";
import type { WorkerReply, WorkerSettings, WorkerTask } from "./worker-pool";

// One analysis thread of the pool: tasks in, results out, one at a time, with a cache of its own.
// Invariant: a task never kills the thread — analyzeFiles turns bad input into errors entries,
// and anything it throws goes back as that task's failure.

const port = parentPort;
if (port === null) throw new Error("analysis-worker.ts runs as a worker thread (see worker-pool.ts)");
const settings = workerData as WorkerSettings;
const cache = createAnalysisCache(settings.cacheEntries, settings.parseEntries);

port.on("message", (task: WorkerTask) => {
  let reply: WorkerReply;
  try {
    reply = { type: "result", id: task.id, ok: true, result: analyzeFiles(task.files, task.context, { ...task.options, cache }) };
  } catch (error) {
    reply = { type: "result", id: task.id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
port.postMessage({ type: "ready" } satisfies WorkerReply);
