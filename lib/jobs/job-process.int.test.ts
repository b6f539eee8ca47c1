// The web server's job process (JOBS_MODE=process): on PostgreSQL the web server runs background
// jobs in a child, `npm run worker`'s own program, restarts it when it stops, and the child goes
// when the web server goes — even killed with SIGKILL, when no exit handler runs.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOwnDatabase, type OwnDatabase } from "@/lib/testing/own-database";
import { startTsx, type TestProcess } from "@/lib/testing/processes";
import { postgresPass } from "@/lib/testing/postgres-pass";
import { startJobProcess, type JobProcessEvent } from "./job-process";

const postgres = postgresPass();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("the job process's supervisor", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "gatehouse-jobproc-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("starts a child that stopped again, waiting longer each time, and not after stop()", async () => {
    const starts = path.join(dir, "starts");
    writeFileSync(starts, "");
    const entry = path.join(dir, "dies.mjs");
    // Each life notes itself and exits with 3 at once: a worker that cannot stay up.
    writeFileSync(entry, `import { appendFileSync } from "node:fs"; appendFileSync(${JSON.stringify(starts)}, process.pid + "\\n"); process.exit(3);`);
    const events: JobProcessEvent[] = [];
    const jobs = startJobProcess({ entry, restartDelayMs: 100, onEvent: (e) => events.push(e) });
    await until(() => events.filter((e) => e.kind === "exited").length >= 3, 20_000, "three exits");
    await jobs.stop();
    const exits = events.filter((e): e is Extract<JobProcessEvent, { kind: "exited" }> => e.kind === "exited");
    expect(exits.slice(0, 3).map((e) => e.code)).toEqual([3, 3, 3]);
    // 100 ms, then 200, then 400: a crashing worker is not restarted in a tight loop.
    expect(exits.slice(0, 3).map((e) => e.restartInMs)).toEqual([100, 200, 400]);
    const lives = readFileSync(starts, "utf8").trim().split("\n");
    expect(lives.length).toBeGreaterThanOrEqual(3);
    await new Promise((r) => setTimeout(r, 1000));
    expect(readFileSync(starts, "utf8").trim().split("\n")).toHaveLength(lives.length);
  }, 30_000);

  it("refuses an entry that is not there, saying what to do", () => {
    expect(() => startJobProcess({ entry: path.join(dir, "missing.ts") })).toThrow(/is missing: start the server from the Gatehouse directory, or set JOBS_MODE=worker/);
  });
});

// PostgreSQL pass only (postgresPass): skipped on the PGlite pass by design; under CI=true the
// PostgreSQL pass fails outright when no server answers, so this cannot go missing there.
describe.runIf(postgres !== null)("a web server on PostgreSQL", () => {
  let own: OwnDatabase | null = null;
  let server: TestProcess | null = null;
  beforeAll(async () => {
    // Its own database: the child takes every job in the queue and reaps every run it sees.
    own = await createOwnDatabase(postgres!.owner, "jobproc");
  }, 60_000);
  afterAll(async () => {
    await server?.kill("SIGKILL");
    await own?.drop();
  });

  it("runs its jobs in a child worker by default, and the child goes when the server is killed", async () => {
    server = startTsx("lib/testing/start-server.ts", [], { NODE_ENV: "development", AUTH_SECRET: "s".repeat(40), DATABASE_URL: own!.url, JOBS_MODE: "", SYNC_INTERVAL_MINUTES: "0" });
    await server.waitFor(/Gatehouse worker: processing sync-org/, 60_000);
    const match = /background jobs run in a child process \(JOBS_MODE=process, pid (\d+)\)/.exec(server.output());
    expect(match, server.output()).not.toBeNull();
    const childPid = Number(match![1]);
    expect(childPid).not.toBe(server.pid);
    expect(alive(childPid)).toBe(true);
    // No exit handler runs on SIGKILL: the child sees its IPC channel close and stops itself.
    await server.kill("SIGKILL");
    await until(() => !alive(childPid), 15_000, `the job process ${childPid} to exit after its web server was killed`);
  }, 90_000);
});
