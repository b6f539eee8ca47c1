import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";
import { createAnalysisCache, type AnalysisCache } from "./cache";
import type { RepoContext } from "./context";
import { analyzeFiles, isActionFile, type AnalyzeOptions } from "./index";
import type { AnalysisResult, SourceFile } from "./types";

// analyzeFiles on worker threads, so analysis runs beside the caller's network and database work.
// Invariants:
// - same inputs, same result as analyzeFiles in the caller's thread (the pure function runs in
//   both; results cross by structured clone), except for files stopped as below;
// - every task has a deadline (`deadlineMs`, from when its worker starts it): a worker that
//   overruns it is terminated, like one that dies (out of memory);
// - no task is lost and none runs unbounded in this thread: the task a dead or overrunning worker
//   was running goes to a fresh worker; the second time, the workflow file it was on is stopped
//   — it becomes an error and a `parse-error` finding ("analysis stopped …") — and the task
//   goes on without it (without any file, if it failed in the repository-level rules). Tasks
//   that were only waiting on that worker are sent again as they were;
// - when workers cannot start (no bootstrap file, no tsx: a bundled deployment), every task runs
//   in this thread from then on, and `onEvent` hears it once. No deadline can stop this thread,
//   so it analyses only files of at most `inlineMaxBytes` (256 KB by default, 2.5 times the
//   largest real workflow in the corpus; larger ones are refused before parsing, with a message
//   saying so); the parse limits (nodes, flow depth) and the linear-time scans bound the rest;
// - idle workers never keep the process alive.

export type PoolAnalyzeOptions = Omit<AnalyzeOptions, "cache" | "onProgress">;

export interface WorkerSettings {
  cacheEntries: number;
  parseEntries: number;
}
export interface WorkerTask {
  id: number;
  files: SourceFile[];
  context: RepoContext | undefined;
  options: PoolAnalyzeOptions;
}
export type WorkerReply =
  | { type: "ready" }
  | { type: "progress"; id: number; path: string | null }
  | { type: "result"; id: number; ok: true; result: AnalysisResult }
  | { type: "result"; id: number; ok: false; message: string };

export type PoolEvent = { type: "fallback" | "worker-died"; reason: string } | { type: "file-stopped"; path: string | null; reason: string };

export interface AnalysisPoolOptions {
  /** Worker threads. Default: one per core beyond the first, 1 to 4. */
  size?: number;
  /** Result and parse cache entries of each worker (and of the in-thread fallback). */
  cacheEntries?: number;
  parseEntries?: number;
  /** Old-generation limit of each worker's heap, MB (a worker over it dies; see the invariants). */
  maxHeapMb?: number;
  /** Young-generation limit of each worker's heap, MB: short-lived parser garbage lives there. */
  maxYoungHeapMb?: number;
  /** Bootstrap module of a worker. Default: analysis-worker.mjs beside this file, else under the working directory. */
  entry?: string;
  /** How long a worker may spend on one task, ms. Default 30 s (the largest corpus repository takes well under 1 s). */
  deadlineMs?: number;
  /** Largest file analysed in this thread when workers cannot start, bytes. Default 256 KB. */
  inlineMaxBytes?: number;
  onEvent?: (event: PoolEvent) => void;
}

export interface AnalysisPool {
  analyze(files: SourceFile[], context?: RepoContext, options?: PoolAnalyzeOptions): Promise<AnalysisResult>;
  /** Starts the workers ahead of the first task: a worker takes a second or two to load the analyser. */
  start(): void;
  /** "worker" until workers fail to start, then "inline" for good. */
  readonly mode: "worker" | "inline";
  /** Stops the workers; unfinished tasks complete in this thread. A later analyze starts new workers. */
  close(): Promise<void>;
}

/** Tasks sent to one worker at once: one running, one waiting, so it never idles between messages. */
const IN_FLIGHT_PER_WORKER = 2;
/** A task whose worker died or overran this many times on one file has that file stopped. */
const MAX_DEATHS = 2;
const DEFAULT_DEADLINE_MS = 30_000;
const DEFAULT_INLINE_MAX_BYTES = 256 * 1024;
/** Consecutive workers that die before they are ready, before giving up on workers. */
const MAX_START_FAILURES = 3;
/** A worker not ready by then (tsx compiling the analysis code takes a second or two) counts as failing to start. */
const START_TIMEOUT_MS = 30_000;
const BOOTSTRAP = "analysis-worker.mjs";

interface Job {
  task: WorkerTask;
  /** Workers that died or overran on this task since its last stopped file. */
  deaths: number;
  /** The workflow file the worker last said it was on; null in the repository-level rules. */
  at: string | null;
  resolve: (result: AnalysisResult) => void;
  reject: (error: Error) => void;
}
interface Slot {
  worker: Worker;
  ready: boolean;
  stopping: boolean;
  /** In the order sent: the first is running, the others wait. */
  jobs: Map<number, Job>;
  error: string | null;
  /** The running job the deadline timer watches. */
  watched: Job | null;
  deadline: ReturnType<typeof setTimeout> | null;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

function findBootstrap(explicit: string | undefined): string | null {
  if (explicit !== undefined) return existsSync(/* turbopackIgnore: true */ explicit) ? explicit : null;
  const candidates: string[] = [];
  try {
    candidates.push(join(/* turbopackIgnore: true */ dirname(fileURLToPath(import.meta.url)), BOOTSTRAP));
  } catch {
    // Bundled code may not have a file URL; the working directory is the project root then.
  }
  candidates.push(join(/* turbopackIgnore: true */ process.cwd(), "lib", "analysis", BOOTSTRAP));
  return candidates.find((p) => existsSync(/* turbopackIgnore: true */ p)) ?? null;
}

export function createAnalysisPool(options: AnalysisPoolOptions = {}): AnalysisPool {
  const size = Math.max(1, Math.floor(options.size ?? Math.min(4, availableParallelism() - 1)));
  const settings: WorkerSettings = { cacheEntries: options.cacheEntries ?? 1_000, parseEntries: options.parseEntries ?? 512 };
  const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const inlineMaxBytes = options.inlineMaxBytes ?? DEFAULT_INLINE_MAX_BYTES;
  let mode: "worker" | "inline" = "worker";
  let inlineCache: AnalysisCache | null = null;
  const slots = new Set<Slot>();
  const queue: Job[] = [];
  let nextId = 1;
  let startFailures = 0;

  const runInline = (job: Job) => {
    inlineCache ??= createAnalysisCache(settings.cacheEntries, settings.parseEntries);
    const { options: taskOptions } = job.task;
    const maxBytes = Math.min(taskOptions.limits?.maxBytes ?? inlineMaxBytes, inlineMaxBytes);
    const stopped = { ...taskOptions.stopped };
    for (const f of job.task.files) {
      const size = typeof f.content === "string" ? (f.content.length * 3 > maxBytes ? Buffer.byteLength(f.content) : 0) : f.content.byteLength;
      if (size > maxBytes && !isActionFile(f.path, f.content)) {
        stopped[f.path] ??= `Not analysed: the file is larger than ${Math.floor(maxBytes / 1024)} KB, the limit while analysis runs in the server's main thread (its worker threads could not start).`;
      }
    }
    try {
      job.resolve(analyzeFiles(job.task.files, job.task.context, { ...taskOptions, stopped, limits: { ...taskOptions.limits, maxBytes }, cache: inlineCache }));
    } catch (error) {
      job.reject(error instanceof Error ? error : new Error(String(error)));
    }
  };

  const fallBack = (reason: string) => {
    if (mode === "inline") return;
    mode = "inline";
    options.onEvent?.({ type: "fallback", reason });
    for (const slot of slots) stop(slot);
    for (const job of queue.splice(0)) runInline(job);
  };

  const stop = (slot: Slot) => {
    slot.stopping = true;
    slots.delete(slot);
    return slot.worker.terminate();
  };

  const spawn = () => {
    const entry = findBootstrap(options.entry);
    if (entry === null) return fallBack(`the analysis worker's bootstrap ${options.entry ?? `lib/analysis/${BOOTSTRAP}`} was not found`);
    let worker: Worker;
    try {
      // Constructed indirectly (and the paths above marked ignored) so that bundlers — Next's
      // Turbopack — do not take the bootstrap path for a module to bundle or a file to trace.
      const workerOptions: WorkerOptions = {
        workerData: settings,
        execArgv: [],
        resourceLimits: {
          ...(options.maxHeapMb ? { maxOldGenerationSizeMb: options.maxHeapMb } : {}),
          ...(options.maxYoungHeapMb ? { maxYoungGenerationSizeMb: options.maxYoungHeapMb } : {}),
        },
      };
      worker = Reflect.construct(Worker, [entry, workerOptions]) as Worker;
    } catch (error) {
      return fallBack(`the analysis worker could not start: ${messageOf(error)}`);
    }
    const slot: Slot = { worker, ready: false, stopping: false, jobs: new Map(), error: null, watched: null, deadline: null };
    slots.add(slot);
    const startTimer = setTimeout(() => {
      slot.error ??= `not ready after ${START_TIMEOUT_MS / 1000} s`;
      void worker.terminate();
    }, START_TIMEOUT_MS);
    startTimer.unref();
    worker.once("message", () => clearTimeout(startTimer));
    worker.once("exit", () => clearTimeout(startTimer));
    worker.on("message", (reply: WorkerReply) => onReply(slot, reply));
    worker.on("error", (error) => void (slot.error ??= messageOf(error)));
    worker.on("exit", (code) => onExit(slot, code));
  };

  const spawnAll = () => {
    while (slots.size < size && mode === "worker") spawn();
  };

  const dispatch = () => {
    if (mode === "inline") return;
    while (queue.length > 0) {
      let best: Slot | null = null;
      for (const s of slots) if (s.ready && s.jobs.size < IN_FLIGHT_PER_WORKER && (best === null || s.jobs.size < best.jobs.size)) best = s;
      if (best === null) break;
      const job = queue.shift() as Job;
      try {
        best.worker.postMessage(job.task);
        best.jobs.set(job.task.id, job);
      } catch (error) {
        job.reject(new Error(`analysis task could not be sent to the worker: ${messageOf(error)}`));
      }
    }
    if (queue.length > 0) spawnAll();
    // Workers hold the process open only while they have work.
    for (const s of slots) {
      if (queue.length > 0 || s.jobs.size > 0) s.worker.ref();
      else s.worker.unref();
      watch(s);
    }
  };

  /** Starts the deadline of a worker's running job when it changes. */
  const watch = (slot: Slot) => {
    const running = slot.jobs.values().next().value ?? null;
    if (running === slot.watched) return;
    if (slot.deadline) clearTimeout(slot.deadline);
    slot.watched = running;
    slot.deadline = null;
    if (running === null) return;
    running.at = null;
    slot.deadline = setTimeout(() => {
      if (slot.watched !== running || slot.stopping) return;
      slot.error ??= `took longer than ${deadlineMs / 1000} s`;
      void slot.worker.terminate();
    }, deadlineMs);
    slot.deadline.unref();
  };

  const onReply = (slot: Slot, reply: WorkerReply) => {
    if (reply.type === "progress") {
      const job = slot.jobs.get(reply.id);
      if (job) job.at = reply.path;
      return;
    }
    if (reply.type === "ready") {
      slot.ready = true;
      startFailures = 0;
    } else {
      const job = slot.jobs.get(reply.id);
      slot.jobs.delete(reply.id);
      if (job && reply.ok) job.resolve(reply.result);
      else if (job && !reply.ok) job.reject(new Error(reply.message));
    }
    dispatch();
  };

  const onExit = (slot: Slot, code: number) => {
    slots.delete(slot);
    if (slot.deadline) clearTimeout(slot.deadline);
    const orphans = [...slot.jobs.values()];
    slot.jobs.clear();
    if (slot.stopping) {
      for (const job of orphans) runInline(job);
      return;
    }
    const reason = slot.error ?? `exit code ${code}`;
    if (!slot.ready && ++startFailures >= MAX_START_FAILURES) {
      fallBack(`the analysis worker did not start (${reason}); analysing in this thread`);
      return;
    }
    if (slot.ready) options.onEvent?.({ type: "worker-died", reason });
    const [running, ...waiting] = orphans;
    queue.unshift(...waiting);
    if (running !== undefined && ++running.deaths >= MAX_DEATHS) stopFile(running, reason);
    // The failed task goes after the ones that were only waiting: it may fail again.
    else if (running !== undefined) queue.splice(waiting.length, 0, running);
    dispatch();
  };

  /**
   * The second failure on one file stops that file and the task goes on without it. When the
   * failure is not on a file (repository-level rules, or before the first file) or on a file
   * already stopped, every workflow file is stopped: nothing is left to parse, so the result is
   * made here at once, in bounded time.
   */
  const stopFile = (job: Job, reason: string) => {
    const message = `Analysis stopped: the file is too large or too slow to analyse (twice: ${reason}). Simplify or split it; the rest of the repository is analysed.`;
    const stopped = { ...job.task.options.stopped };
    const pinned = job.at !== null && stopped[job.at] === undefined;
    if (pinned) stopped[job.at!] = message;
    else for (const f of job.task.files) if (!isActionFile(f.path, f.content)) stopped[f.path] ??= message;
    job.task = { ...job.task, options: { ...job.task.options, stopped } };
    job.deaths = 0;
    options.onEvent?.({ type: "file-stopped", path: pinned ? job.at : null, reason });
    if (pinned) queue.push(job);
    else {
      try {
        job.resolve(analyzeFiles(job.task.files, job.task.context, { ...job.task.options }));
      } catch (error) {
        job.reject(error instanceof Error ? error : new Error(String(error)));
      }
    }
  };

  return {
    analyze(files, context, analyzeOptions = {}) {
      return new Promise<AnalysisResult>((resolve, reject) => {
        const job: Job = { task: { id: nextId++, files, context, options: analyzeOptions }, deaths: 0, at: null, resolve, reject };
        if (mode === "inline") return runInline(job);
        queue.push(job);
        dispatch();
      });
    },
    start() {
      spawnAll();
      dispatch();
    },
    get mode() {
      return mode;
    },
    async close() {
      const stopping = [...slots];
      const stopped = stopping.map(stop);
      for (const job of queue.splice(0)) runInline(job);
      await Promise.all(stopped);
      for (const slot of stopping) {
        const orphans = [...slot.jobs.values()];
        slot.jobs.clear();
        for (const job of orphans) runInline(job);
      }
    },
  };
}
