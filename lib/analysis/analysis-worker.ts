import { parentPort, workerData } from "node:worker_threads";
import { createAnalysisCache } from "./cache";
import { analyzeFiles } from "./index";
import type { WorkerReply, WorkerSettings, WorkerTask } from "./worker-pool";

// One analysis thread of the pool: tasks in, results out, one at a time, with a cache of its own.
// Invariant: a task never kills the thread — analyzeFiles turns bad input into errors entries,
// and anything it throws goes back as that task's failure. Before each workflow file it says
// which (a "progress" reply), so a task that runs out of memory or time can be pinned on a file.

const port = parentPort;
if (port === null) throw new Error("analysis-worker.ts runs as a worker thread (see worker-pool.ts)");
const settings = workerData as WorkerSettings;
const cache = createAnalysisCache(settings.cacheEntries, settings.parseEntries);

port.on("message", (task: WorkerTask) => {
  let reply: WorkerReply;
  try {
    const onProgress = (path: string | null) => port.postMessage({ type: "progress", id: task.id, path } satisfies WorkerReply);
    reply = { type: "result", id: task.id, ok: true, result: analyzeFiles(task.files, task.context, { ...task.options, cache, onProgress }) };
  } catch (error) {
    reply = { type: "result", id: task.id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
port.postMessage({ type: "ready" } satisfies WorkerReply);
