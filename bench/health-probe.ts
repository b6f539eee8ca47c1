import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Worker } from "node:worker_threads";
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { DatabaseHandle } from "../lib/db/types";
import { healthReport } from "../lib/health";

// /api/health of the syncing process, for bench/sync.ts --hostile: the route's handler
// (lib/health.ts, on the sync's own database) behind a tiny HTTP server in this process, so its
// answer time is this event loop's responsiveness while the sync runs. The sampler is a worker
// thread: its clock and requests do not wait for the loop it measures.

export interface HealthFigures {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  over200Ms: number;
  failed: number;
  /** The event loop's own delays over the same time: a slow answer with a quiet loop waited on the database. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

const SAMPLER = `
const { parentPort, workerData } = require("node:worker_threads");
const http = require("node:http");
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const latencies = [];
let failed = 0;
let stopped = false;
function once() {
  if (stopped) return;
  const start = performance.now();
  const req = http.get(workerData.url, { agent, timeout: 10000 }, (res) => {
    res.resume();
    res.on("end", () => {
      latencies.push(performance.now() - start);
      if (res.statusCode !== 200) failed++;
      setTimeout(once, workerData.everyMs);
    });
  });
  req.on("timeout", () => req.destroy(new Error("timeout")));
  req.on("error", () => { failed++; latencies.push(performance.now() - start); setTimeout(once, workerData.everyMs); });
}
parentPort.on("message", () => { stopped = true; parentPort.postMessage({ latencies, failed }); });
once();
`;

export async function startHealthProbe(handle: DatabaseHandle, everyMs = 50): Promise<{ stop(): Promise<HealthFigures> }> {
  const server: Server = createServer((req, res) => {
    if (req.url !== "/api/health") return void res.writeHead(404).end();
    void healthReport(async () => handle).then((report) => {
      res.writeHead(report.status === "ok" ? 200 : 503, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify(report));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const { port } = server.address() as AddressInfo;
  const worker = new Worker(SAMPLER, { eval: true, workerData: { url: `http://127.0.0.1:${port}/api/health`, everyMs } });
  return {
    async stop() {
      const result = new Promise<{ latencies: number[]; failed: number }>((resolve) => worker.once("message", resolve));
      worker.postMessage("stop");
      const { latencies, failed } = await result;
      loop.disable();
      await worker.terminate();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      const sorted = [...latencies].sort((a, b) => a - b);
      const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
      return { samples: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: Math.round(sorted.at(-1) ?? 0), over200Ms: sorted.filter((l) => l > 200).length, failed, loopDelayP99Ms: Math.round(loop.percentile(99) / 1e6), loopDelayMaxMs: Math.round(loop.max / 1e6) };
    },
  };
}
