// Bootstrap of an analysis worker thread (started by worker-pool.ts). Plain JavaScript so that
// Node can start it the same way under tsx scripts, Vitest and `next start`: it registers tsx's
// loader for this thread only, then runs the TypeScript entry. tsx is a runtime dependency.
import { register } from "tsx/esm/api";

register();
await import("./analysis-worker.ts");
