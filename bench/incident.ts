// Containment speed of incident mode: one third-party action used by many workflows across an
// organisation, an incident started on it and "disable all" run, through the same use-cases the
// API calls (executeUseCase → startIncident, runIncidentAction), the reader and responder Apps
// against the GitHub simulator (own process, injected latency, optional faults). Loopback only;
// stops by itself. Prints progress lines, then every figure as one JSON object on the LAST line.
//
//   npm run bench:incident -- --workflows 100 --latency 100 [--faults] [--repos N] [--seed 1]
//
// The org: a synthetic org (bench/sync's generator) of `repos` repositories (default one per
// five workflows), plus `workflows` workflows using tj-actions/changed-files@v45 spread over them
// (sim/fixtures/action-spread.ts): every workflow has a run in progress, every third one a queued
// run too, one in twenty a run that ignores a plain cancel (force-cancel), every second one a run
// inside the compromise window (20 h ending 3 days ago). It is synced into a fresh database
// (in-memory PGlite; a new database on the PostgreSQL of DATABASE_URL when that is set, dropped
// afterwards), then the incident starts on that reference with the window, and "disable all".
//
//   workflows      in-scope workflows the disable acted on
//   disabled       of the spread's workflows, how many the simulator has disabled_manually after it
//   cancelledRuns  of their queued / in-progress runs, how many completed (cancelled) by it
//   containSeconds from calling startIncident to the simulator handling the last disable   target ≤ 30
//   apiCalls       requests the simulator received during "disable all" (only the responder calls
//                  then: token mints and revokes, reads, writes, retried attempts and faults)
//   failures       checklist items the action left failed                                   target 0
//   retries        retried attempts of the responder's sessions (its client's stats)
// INCIDENT_FORCE_CANCEL_SECONDS is 2 here (default 30): a run still running 2 s after its cancel
// is force-cancelled, so the bench does not sit out GitHub's half minute. --faults injects, per
// request, 5xx (2 %), secondary rate limits with retry-after 1 s (2 %) and connection resets (1 %)
// into the incident's calls (start and action), after a clean sync.
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { DatabaseHandle } from "../lib/db/types";
import { githubConnections, incidentItems, memberships, organizations, users } from "../lib/db/schema";
import { createGithubClient } from "../lib/github/client";
import { SYNC_TOKEN_PERMISSIONS } from "../lib/github/permissions";
import { dbEtagStore } from "../lib/connections/etag-store";
import { executeUseCase } from "../lib/door/use-case";
import { startIncident } from "../lib/incidents/incident-service";
import { runIncidentAction } from "../lib/incidents/incident-actions";
import { startSimProcess } from "./sim-process";
import { syncOnce } from "./sync-once";
import { freshDatabase, log, peakRssMb, round, printFigures, runBench } from "./support";

interface Args {
  workflows: number;
  repos: number | null;
  latency: number;
  faults: boolean;
  seed: number;
  faultRate: number;
  resetRate: number;
  forceCancelSeconds: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { workflows: 100, repos: null, latency: 100, faults: false, seed: 1, faultRate: 0.02, resetRate: 0.01, forceCancelSeconds: 2 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v < 0) throw new Error(`${a} needs a non-negative number`);
      return v;
    };
    if (a === "--workflows") args.workflows = Math.max(1, Math.floor(value()));
    else if (a === "--repos") args.repos = Math.max(1, Math.floor(value()));
    else if (a === "--latency") args.latency = value();
    else if (a === "--seed") args.seed = value();
    else if (a === "--fault-rate") args.faultRate = value();
    else if (a === "--reset-rate") args.resetRate = value();
    else if (a === "--force-cancel-seconds") args.forceCancelSeconds = Math.max(0.1, value());
    else if (a === "--faults") args.faults = true;
    else if (a === "--") continue;
    else throw new Error(`unknown argument ${a} (--workflows N --latency MS [--faults [--fault-rate P --reset-rate P]] [--repos N] [--seed N] [--force-cancel-seconds S])`);
  }
  return args;
}

const ACTION = "tj-actions/changed-files@v45";
const APP_ID = 4242;
const RESPONDER_APP_ID = 4243;
const rsa = () => generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } });
const meta = () => ({ ip: "127.0.0.1", userAgent: "bench/incident", requestId: randomUUID() });

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const repos = args.repos ?? Math.max(1, Math.ceil(args.workflows / 5));
  const login = "bench-org";
  const fixtureNow = Math.floor(Date.now() / 86_400_000) * 86_400_000;
  const reader = rsa();
  const responder = rsa();
  const sim = await startSimProcess({
    repos,
    seed: args.seed,
    login,
    now: fixtureNow,
    hostile: false,
    appId: APP_ID,
    publicKeyPem: reader.publicKey,
    latencyMs: args.latency,
    coreLimit: 5000 + 50 * Math.max(0, repos - 20),
    responderApp: { id: RESPONDER_APP_ID, publicKeyPem: responder.publicKey },
    spread: { uses: ACTION, workflows: args.workflows, repos, window: { hours: 20, endHoursAgo: 72 } },
  });
  const spread = sim.spread!;
  log(`simulator ${sim.url} (own process), ${args.latency} ms per response; ${spread.workflows} workflows using ${ACTION} in ${spread.repos} repositories, ${spread.activeRuns} runs queued or in progress (${spread.forceCancelRuns} ignore a plain cancel), ${spread.runsInWindow} seeded runs inside the window ${spread.window.from} – ${spread.window.to}`);

  // Gatehouse's settings, as a deployment's environment gives them (read once by lib/env).
  Object.assign(process.env, {
    GITHUB_API_URL: sim.url,
    GITHUB_APP_ID: String(APP_ID),
    GITHUB_APP_PRIVATE_KEY: reader.privateKey,
    GITHUB_RESPONDER_APP_ID: String(RESPONDER_APP_ID),
    GITHUB_RESPONDER_APP_PRIVATE_KEY: responder.privateKey,
    INCIDENT_FORCE_CANCEL_SECONDS: String(args.forceCancelSeconds),
  });
  log(`INCIDENT_FORCE_CANCEL_SECONDS=${args.forceCancelSeconds} (production default 30): a run still running ${args.forceCancelSeconds} s after its cancel is force-cancelled`);

  const { handle, drop } = await freshDatabase(process.env.DATABASE_URL ? { pglite: false, adminUrl: process.env.DATABASE_URL } : { pglite: true });
  // The use-cases open the process's database (lib/db): it is this one.
  (globalThis as unknown as { __gatehouseDb?: Promise<DatabaseHandle> }).__gatehouseDb = Promise.resolve(handle);
  try {
    const db = handle.db;
    const slug = `bench-${Date.now()}`;
    const [org] = await db.insert(organizations).values({ slug, name: login }).returning({ id: organizations.id });
    const orgId = org!.id;
    const user = { id: randomUUID(), email: "responder@bench.test", name: "Bench responder" };
    await db.insert(users).values(user);
    await db.insert(memberships).values({ orgId, email: user.email, role: "responder", source: "manual" });
    await db.insert(githubConnections).values({ orgId, kind: "app", baseUrl: sim.url, installationId: sim.installationId, accountLogin: login });

    const client = createGithubClient({ kind: "app", baseUrl: sim.url, appId: APP_ID, privateKey: reader.privateKey, installationId: sim.installationId, account: login, permissions: SYNC_TOKEN_PERMISSIONS });
    const synced = await syncOnce(db, orgId, "sync", client, login, dbEtagStore(db, orgId));
    if (synced.status !== "succeeded") throw new Error(`the sync ${synced.status}: the incident would start on a partial inventory`);

    if (args.faults) {
      await sim.faults({ seed: args.seed, serverErrorRate: args.faultRate, secondaryRateLimitRate: args.faultRate, connectionResetRate: args.resetRate, retryAfterSeconds: 1 });
      log(`faults on: 5xx ${args.faultRate}, secondary rate limits ${args.faultRate} (retry-after 1 s), connection resets ${args.resetRate}`);
    }

    const before = await sim.incidentState(0);
    const startedMs = Date.now();
    const started = await executeUseCase(handle, user, startIncident, { orgSlug: slug, kind: "action", target: ACTION, window: spread.window, title: `${ACTION} re-pointed`, severity: "critical" }, meta());
    if (!started.ok) throw new Error(`startIncident: ${started.error.message}`);
    const afterStart = await sim.incidentState(before.writeLogLength);
    const startSeconds = (Date.now() - startedMs) / 1000;
    log(`incident started in ${round(startSeconds, 2)} s (scope frozen, ${afterStart.requests - before.requests} reader requests for the runs and releases inside the window)`);

    const ticker = setInterval(() => {
      void sim
        .incidentState(afterStart.writeLogLength)
        .then((s) => log(`disable all: ${spread.workflows - s.notDisabled}/${spread.workflows} disabled, ${s.activeRuns} runs still queued or in progress`))
        .catch(() => undefined);
    }, 5000);
    const acted = await executeUseCase(handle, user, runIncidentAction, { orgSlug: slug, incidentId: started.data.id, action: "disable-workflows" }, meta()).finally(() => clearInterval(ticker));
    const endedMs = Date.now();
    if (!acted.ok) throw new Error(`disable-workflows: ${acted.error.message}`);
    const after = await sim.incidentState(afterStart.writeLogLength);
    await sim.faults({});

    const responderWrites = after.writes.filter((w) => w.responder);
    const ok = (w: { status: number }) => w.status < 300;
    const disables = responderWrites.filter((w) => w.method === "PUT" && w.path.endsWith("/disable") && ok(w));
    const lastDisableMs = Math.max(...disables.map((w) => w.atMs));
    const cancels = responderWrites.filter((w) => w.method === "POST" && w.path.endsWith("/cancel") && ok(w)).length;
    const forced = responderWrites.filter((w) => w.method === "POST" && w.path.endsWith("/force-cancel") && ok(w)).length;
    const results = acted.data.results;
    const failed = results.filter((r) => r.status === "failed");
    const items = await db.select({ status: incidentItems.status }).from(incidentItems).where(and(eq(incidentItems.orgId, orgId), eq(incidentItems.incidentId, started.data.id), eq(incidentItems.kind, "disable-workflow")));
    const stats = acted.data.github ?? { requests: 0, retries: 0, rateLimitWaitMs: 0 };
    const { counts: injected } = await sim.counts();

    const figures = {
      workflows: results.length,
      disabled: spread.workflows - after.notDisabled,
      cancelledRuns: spread.activeRuns - after.activeRuns,
      containSeconds: disables.length ? round((lastDisableMs - startedMs) / 1000, 2) : null,
      apiCalls: after.requests - afterStart.requests,
      failures: failed.length,
      retries: stats.retries,
      activeRunsBefore: spread.activeRuns,
      activeRunsLeft: after.activeRuns,
      forceCancelled: forced,
      startSeconds: round(startSeconds, 2),
      actionSeconds: round((endedMs - startedMs) / 1000, 2),
      responderRequests: stats.requests,
      rateLimitWaitMs: stats.rateLimitWaitMs,
      itemsDone: items.filter((i) => i.status === "done").length,
      injected5xx: injected["server-error"] ?? 0,
      injectedSecondaryRateLimits: injected["secondary-rate-limit"] ?? 0,
      injectedConnectionResets: injected["connection-reset"] ?? 0,
      repos: spread.repos,
      latencyMs: args.latency,
      faults: args.faults,
      forceCancelSeconds: args.forceCancelSeconds,
      database: handle.kind,
      peakRssMb: peakRssMb(),
    };
    log(`${acted.data.summary}`);
    for (const f of failed.slice(0, 5)) log(`  failed ${f.label}: ${f.message.slice(0, 200)}`);
    log(
      `contained: ${figures.disabled}/${spread.workflows} workflows disabled, the last ${figures.containSeconds} s after the start (${disables.length} disable calls); ` +
        `${figures.cancelledRuns}/${spread.activeRuns} active runs cancelled (${cancels} cancels, ${forced} force-cancels), all done ${figures.actionSeconds} s after the start`,
    );
    log(`responder: ${figures.apiCalls} requests received by the simulator during the action (${stats.requests} counted by its sessions, ${stats.retries} retried, ${stats.rateLimitWaitMs} ms waiting on rate limits); ${figures.failures} item(s) failed`);
    if (args.faults) log(`injected during the incident: ${figures.injected5xx} 5xx, ${figures.injectedSecondaryRateLimits} secondary rate limits, ${figures.injectedConnectionResets} connection resets`);
    printFigures(figures);
  } finally {
    await handle.close();
    await drop();
    await sim.close();
  }
}

runBench(main);
