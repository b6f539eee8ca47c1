import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";
import { createAnalysisCache, type AnalysisCache } from "./cache";
import type { RepoContext } from "./context";
import { analyzeFiles, type AnalyzeOptions } from "./index";
import type { AnalysisResult, SourceFile } from "./types";

// analyzeFiles on worker threads, so analysis runs beside the caller's network and database work.
// Invariants:
// - same inputs, same result as analyzeFiles in the caller's thread (the pure function runs in
//   both; results cross by structured clone);
// - no task is lost: when a worker dies, its tasks go to a fresh worker, and a task whose worker
//   died twice runs in this thread;
// - when workers cannot start (no bootstrap file, no tsx: a bundled deployment), every task runs
//   in this thread from then on, and `onEvent` hears it once;
// - idle workers never keep the process alive.

export type PoolAnalyzeOptions = Omit<AnalyzeOptions, "cache">;

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
  | { type: "result"; id: number; ok: true; result: AnalysisResult }
  | { type: "result"; id: number; ok: false; message: string };

export type PoolEvent = { type: "fallback" | "worker-died"; reason: string };

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
/** A task whose worker died this many times runs in the caller's thread. */
const MAX_DEATHS = 2;
/** Consecutive workers that die before they are ready, before giving up on workers. */
const MAX_START_FAILURES = 3;
/** A worker not ready by then (tsx compiling the analysis code takes a second or two) counts as failing to start. */
const START_TIMEOUT_MS = 30_000;
const BOOTSTRAP = "analysis-worker.mjs";

interface Job {
  task: WorkerTask;
  deaths: number;
  resolve: (result: AnalysisResult) => void;
  reject: (error: Error) => void;
}
interface Slot {
  worker: Worker;
  ready: boolean;
  stopping: boolean;
  jobs: Map<number, Job>;
  error: string | null;
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
  let mode: "worker" | "inline" = "worker";
  let inlineCache: AnalysisCache | null = null;
  const slots = new Set<Slot>();
  const queue: Job[] = [];
  let nextId = 1;
  let startFailures = 0;

  const runInline = (job: Job) => {
    inlineCache ??= createAnalysisCache(settings.cacheEntries, settings.parseEntries);
    try {
      job.resolve(analyzeFiles(job.task.files, job.task.context, { ...job.task.options, cache: inlineCache }));
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
    const slot: Slot = { worker, ready: false, stopping: false, jobs: new Map(), error: null };
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
    }
  };

  const onReply = (slot: Slot, reply: WorkerReply) => {
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
    for (const job of orphans) {
      job.deaths++;
      if (job.deaths >= MAX_DEATHS) runInline(job);
      else queue.unshift(job);
    }
    dispatch();
  };

  return {
    analyze(files, context, analyzeOptions = {}) {
      return new Promise<AnalysisResult>((resolve, reject) => {
        const job: Job = { task: { id: nextId++, files, context, options: analyzeOptions }, deaths: 0, resolve, reject };
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
