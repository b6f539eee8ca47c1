// Inventory read speed at scale: a synthetic org (10,000 repositories, 50,000 workflows by
// default) written through the sync's own writer (writeRepoSnapshot) into a fresh PostgreSQL
// database, then the real app server (`next start`) measured with autocannon on the workflow
// list and the blast-radius endpoints. Loopback only; stops by itself; nothing is cached on disk
// between runs. Prints progress lines, then every figure as one JSON object on the LAST line.
//
//   npm run bench:inventory -- [--repos 10000] [--workflows-per-repo 5] [--duration 15] [--connections 10] [--seed 1] [--keep | --reuse URL]
//
//   listP50Ms / listP95Ms   latency of GET /api/v1/orgs/{org}/workflows (rotating pages, sorts, filters)   p95 ≤ 150
//   blastP50Ms / blastP95Ms latency of GET /api/v1/orgs/{org}/blast-radius (rotating secrets, actions, workflows);
//                           the app caches blast radii until the inventory changes (read-cache.ts), so
//                           after the cold pass these are answers from the cache, as a user re-opening
//                           a target sees them
//   blastColdP50Ms / blastColdP95Ms / blastColdMaxMs
//                           each blast-radius URL once, one at a time, before anything is cached: the
//                           cost of computing one
//   reqPerSec               the lower of the two runs' throughputs                                          ≥ 200
//   buildSeconds            time to write the synthetic org through writeRepoSnapshot
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import path from "node:path";
import { cpus, loadavg } from "node:os";
import pg from "pg";
import { eq } from "drizzle-orm";
import autocannon, { type AutocannonResult } from "autocannon";
import { generateSyntheticOrg } from "../sim/fixtures/generate";
import { memberships, organizations, sessions, users } from "../lib/db/schema";
import { buildIfNeeded } from "../scripts/lib/stack";
import { buildOrg, parseOrgBenchArgs, WORKFLOW } from "./inventory-org";
import { benchAdminUrl, freshDatabase, keptDatabase, log } from "./support";

const parseArgs = (argv: string[]) => parseOrgBenchArgs(argv, { duration: 15, connections: 10 }, { duration: 120, connections: 100 });

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");

// ---- database -----------------------------------------------------------------------------------

// ---- the app server -----------------------------------------------------------------------------

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

async function startServer(databaseUrl: string, port: number): Promise<{ child: ChildProcess; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [path.join(process.cwd(), "node_modules", "next", "dist", "bin", "next"), "start", "-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: databaseUrl,
      AUTH_SECRET: randomBytes(30).toString("base64url"),
      AUTH_URL: `http://localhost:${port}`,
      AUTH_TRUST_HOST: "true",
      JOBS_MODE: "worker",
      SYNC_INTERVAL_MINUTES: "0",
      AUTH_OIDC_ISSUER: "http://localhost:1",
      AUTH_OIDC_CLIENT_ID: "x",
      AUTH_OIDC_CLIENT_SECRET: "y",
      LOG_LEVEL: "warn",
    },
  });
  const lines: string[] = [];
  const keep = (b: Buffer) => {
    lines.push(...b.toString().split("\n").filter(Boolean));
    if (lines.length > 50) lines.splice(0, lines.length - 50);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}):\n${lines.join("\n")}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the server did not answer /api/health within 60 s:\n${lines.join("\n")}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { child, stop };
}

// ---- load -----------------------------------------------------------------------------------------

interface Measured {
  p50: number;
  p95: number;
  p99: number;
  reqPerSec: number;
  total: number;
  non2xx: number;
  errors: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function measure(baseUrl: string, cookie: string, paths: string[], seconds: number, connections: number): Promise<Measured> {
  let i = 0;
  const times: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: baseUrl,
        connections,
        duration: seconds,
        timeout: 30,
        headers: { cookie, accept: "application/json" },
        requests: [{ method: "GET", setupRequest: (req) => ({ ...req, path: paths[i++ % paths.length]! }) }],
      },
      (err: Error | null, result: AutocannonResult) => {
        if (err) return reject(err);
        times.sort((a, b) => a - b);
        resolve({
          p50: round(percentile(times, 50)),
          p95: round(percentile(times, 95)),
          p99: round(percentile(times, 99)),
          reqPerSec: round(times.length / seconds),
          total: result.requests.total,
          non2xx: result.non2xx,
          errors: result.errors + result.timeouts,
        });
      },
    );
    instance.on("response", (_client: unknown, _status: number, _bytes: number, responseTime: number) => times.push(responseTime));
  });
}

/** A deterministic shuffle, so runs rotate through the same URLs in the same order. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Raw SQL for the bench's own questions (counts, URL samples), outside the app's query layer. */
async function query<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text, values)).rows;
  } finally {
    await c.end();
  }
}

async function listPaths(url: string, slug: string, workflowCount: number): Promise<string[]> {
  const pages = Math.max(1, Math.ceil(workflowCount / 50));
  const topSecrets = (await query<{ name: string }>(url, "select secret_name as name from job_secret group by 1 order by count(*) desc limit 5")).map((r) => r.name);
  const base = `/api/v1/orgs/${slug}/workflows`;
  const out: string[] = [];
  const sorts = ["repository", "workflow", "findings", "secrets"];
  // A browsing mix: mostly the first pages, some deep ones; every sort and direction; filters and searches.
  for (let k = 0; k < 200; k++) {
    const sort = sorts[k % sorts.length]!;
    const dir = k % 3 === 0 ? "desc" : "asc";
    const page = k % 5 === 4 ? 1 + ((k * 7919) % pages) : 1 + (k % 5);
    const sp = new URLSearchParams({ page: String(page), sort, dir });
    switch (k % 10) {
      case 1:
        sp.set("q", `svc-0${String(k % 100).padStart(2, "0")}`);
        sp.set("page", "1");
        break;
      case 3:
        sp.set("q", ["release", "deploy", "codeql", "docker", "test"][k % 5]!);
        break;
      case 5:
        sp.set("trigger", ["pull_request_target", "push", "workflow_dispatch", "schedule"][k % 4]!);
        break;
      case 6:
        sp.set("untrusted", "1");
        break;
      case 7:
        sp.set("severity", ["critical", "high", "medium"][k % 3]!);
        break;
      case 8:
        sp.set("secret", topSecrets[k % Math.max(1, topSecrets.length)] ?? "NPM_TOKEN");
        break;
      case 9:
        sp.set("phase", ["deploy", "publish", "verify"][k % 3]!);
        break;
    }
    if (k % 10 !== 1 && k % 10 !== 0 && k % 10 !== 2 && k % 10 !== 4) sp.set("page", String(1 + (k % 3)));
    out.push(`${base}?${sp.toString()}`);
  }
  return shuffled(out, 7);
}

async function blastPaths(url: string, slug: string): Promise<string[]> {
  const base = `/api/v1/orgs/${slug}/blast-radius`;
  const wfs = (await query<{ id: string }>(url, "select id from workflow order by md5(id::text) limit 60")).map((r) => r.id);
  const secretNames = (await query<{ name: string }>(url, "select name from (select distinct secret_name as name from job_secret) s order by md5(name) limit 40")).map((r) => r.name);
  const actions = (
    await query<{ uses: string }>(url, "select uses from (select distinct e->>'uses' as uses from job, jsonb_array_elements(job.uses) e where e->>'uses' like '%@%' and e->>'uses' not like './%') a order by md5(uses) limit 40")
  ).map((r) => r.uses);
  const out: string[] = [];
  for (const id of wfs) out.push(`${base}?type=workflow&id=${encodeURIComponent(id)}`);
  for (const s of secretNames) out.push(`${base}?type=secret&id=${encodeURIComponent(s)}`);
  for (const a of actions) {
    out.push(`${base}?type=action&id=${encodeURIComponent(a)}`);
    out.push(`${base}?type=action&id=${encodeURIComponent(a.split("@")[0]!)}`);
  }
  return shuffled(out, 11);
}

// ---- main -------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  log(`machine: ${cpus().length} cores, load ${load()}`);
  const login = "bench-inv";
  const fixture = generateSyntheticOrg({ repos: args.repos, workflowsPerRepo: args.workflowsPerRepo, seed: args.seed, login });
  const files = fixture.repos.reduce((n, r) => n + [...r.files.keys()].filter((p) => WORKFLOW.test(p)).length, 0);
  log(`synthetic org ${login}: ${fixture.repos.length} repos, ${files} workflow files, ${fixture.secrets.length} org secrets`);

  const { handle, url, drop } = args.reuse ? await keptDatabase(args.reuse, args.writers + 2) : await freshDatabase({ pglite: false, adminUrl: benchAdminUrl(), poolSize: args.writers + 2 });
  let server: { stop: () => Promise<void> } | null = null;
  try {
    const db = handle.db;
    let buildSeconds = 0;
    const [org] = args.reuse
      ? await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.slug, login))
      : await db.insert(organizations).values({ slug: login, name: login }).returning({ id: organizations.id });
    if (!org) throw new Error(args.reuse ? `no organisation ${login} in ${args.reuse}` : "could not create the organisation");

    if (!args.reuse) {
      log(`writing ${args.repos} repositories through writeRepoSnapshot, ${args.writers} at a time`);
      const buildStart = performance.now();
      await buildOrg(db, org.id, fixture, args.writers);
      buildSeconds = round((performance.now() - buildStart) / 1000);
    }
    // What autovacuum would do shortly after a large sync: fresh planner statistics. Then a
    // checkpoint, so the bulk write's dirty pages are not flushed while the reads are measured.
    await query(url, "vacuum analyze");
    await query(url, "checkpoint").catch((e: unknown) => log(`checkpoint skipped (${e instanceof Error ? e.message : String(e)}): the figures may include its writes`));
    const [counts] = await query<{ repos: number; workflows: number; jobs: number; refs: number; findings: number }>(
      url,
      `select (select count(*)::int from repository) repos, (select count(*)::int from workflow) workflows, (select count(*)::int from job) jobs,
        (select count(*)::int from job_secret) refs, (select count(*)::int from finding) findings`,
    );
    if (!counts) throw new Error("no counts");
    log(`built in ${buildSeconds} s: ${counts.repos} repos, ${counts.workflows} workflows, ${counts.jobs} jobs, ${counts.refs} secret references, ${counts.findings} findings (then VACUUM ANALYZE, CHECKPOINT)`);

    const email = `bench-viewer-${randomBytes(4).toString("hex")}@example.test`;
    const [user] = await db.insert(users).values({ name: "Bench viewer", email }).returning({ id: users.id });
    if (!user) throw new Error("could not create the user");
    await db.insert(memberships).values({ orgId: org.id, email, role: "viewer" });
    const token = randomBytes(32).toString("hex");
    await db.insert(sessions).values({ sessionToken: token, userId: user.id, expires: new Date(Date.now() + 86_400_000) });
    const cookie = `authjs.session-token=${token}`;
    const lists = await listPaths(url, login, counts.workflows);
    const blasts = await blastPaths(url, login);

    await buildIfNeeded(log);
    const port = await freePort();
    server = await startServer(url, port);
    const baseUrl = `http://127.0.0.1:${port}`;
    log(`next start on ${baseUrl}; ${lists.length} list URLs, ${blasts.length} blast-radius URLs`);
    for (const [label, sample] of [
      ["list", lists[0]!],
      ["blast", blasts[0]!],
    ] as const) {
      const res = await fetch(baseUrl + sample, { headers: { cookie } });
      const body = await res.text();
      if (!res.ok) throw new Error(`${label} ${sample} answered ${res.status}: ${body.slice(0, 300)}`);
      log(`  ${label} sample ${sample} → ${res.status}, ${body.length} bytes`);
    }

    log(`blast radius cold: each of ${blasts.length} URLs once, one at a time, load ${load()}`);
    const cold: number[] = [];
    for (const p of new Set(blasts)) {
      const t = performance.now();
      const res = await fetch(baseUrl + p, { headers: { cookie, accept: "application/json" } });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`blast ${p} answered ${res.status}`);
      cold.push(performance.now() - t);
    }
    cold.sort((a, b) => a - b);
    const blastCold = { p50: round(percentile(cold, 50)), p95: round(percentile(cold, 95)), max: round(cold[cold.length - 1] ?? NaN) };
    log(`  cold p50 ${blastCold.p50} ms, p95 ${blastCold.p95} ms, max ${blastCold.max} ms`);

    log(`warm-up (3 s each, not counted), load ${load()}`);
    await measure(baseUrl, cookie, lists, 3, args.connections);
    await measure(baseUrl, cookie, blasts, 3, args.connections);

    log(`list: ${args.connections} connections, ${args.duration} s, load ${load()}`);
    const list = await measure(baseUrl, cookie, lists, args.duration, args.connections);
    log(`  list  p50 ${list.p50} ms, p95 ${list.p95} ms, p99 ${list.p99} ms, ${list.reqPerSec} req/s, ${list.total} requests, ${list.non2xx} non-2xx, ${list.errors} errors`);
    log(`blast radius: ${args.connections} connections, ${args.duration} s, load ${load()}`);
    const blast = await measure(baseUrl, cookie, blasts, args.duration, args.connections);
    log(`  blast p50 ${blast.p50} ms, p95 ${blast.p95} ms, p99 ${blast.p99} ms, ${blast.reqPerSec} req/s, ${blast.total} requests, ${blast.non2xx} non-2xx, ${blast.errors} errors`);
    log(`done, load ${load()}`);

    console.log(
      JSON.stringify({
        listP50Ms: list.p50,
        listP95Ms: list.p95,
        blastP50Ms: blast.p50,
        blastP95Ms: blast.p95,
        blastColdP50Ms: blastCold.p50,
        blastColdP95Ms: blastCold.p95,
        blastColdMaxMs: blastCold.max,
        reqPerSec: Math.min(list.reqPerSec, blast.reqPerSec),
        listReqPerSec: list.reqPerSec,
        blastReqPerSec: blast.reqPerSec,
        non2xx: list.non2xx + blast.non2xx,
        errors: list.errors + blast.errors,
        repos: counts.repos,
        workflows: counts.workflows,
        jobs: counts.jobs,
        buildSeconds,
        connections: args.connections,
        durationSeconds: args.duration,
        loadAvg1m: round(loadavg()[0] ?? 0, 2),
      }),
    );
  } finally {
    await server?.stop();
    await handle.close();
    if (args.keep || args.reuse) log(`database kept: ${url}`);
    else await drop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
