// The weekly review at scale: bench:inventory's synthetic org (10,000 repositories, 50,000
// workflows by default) written through the sync's writer into a fresh PostgreSQL database,
// topped up to ~100,000 findings, and given a week of history: everything opened a month ago,
// a baseline sign-off a week ago, then some findings new, fixed and regressed in the week,
// exceptions about to expire and some expired in it. Then the review use-case's read
// (computeReview, with the broadest credentials) is called directly, as the API route does.
// Prints progress lines, then every figure as one JSON object on the LAST line.
//
//   npm run bench:review -- [--repos 10000] [--workflows-per-repo 5] [--findings 100000] [--iterations 30] [--seed 1] [--keep | --reuse URL]
//
//   reviewP50Ms / reviewP95Ms   one review (defaultSince + computeReview) on a warm process    p95 ≤ 300
//   reviewColdMs                the first review, broadest credentials not yet cached
//   broadestColdMs              the broadest credentials computed alone (credentialFacts + ranking)
//   findings                    findings stored (open and fixed)
//   reqPerSec                   reviews per second, one after another
import { cpus, loadavg } from "node:os";
import pg from "pg";
import { generateSyntheticOrg } from "../sim/fixtures/generate";
import { eq } from "drizzle-orm";
import { organizations, repositories } from "../lib/db/schema";
import { deriveFromFindings } from "../lib/findings/findings-store";
import { computeReview, defaultSince } from "../lib/findings/review-repo";
import { credentialFacts } from "../lib/findings/breadth-repo";
import { broadest } from "../lib/findings/breadth";
import { buildOrg, parseOrgBenchArgs, WORKFLOW } from "./inventory-org";
import { benchAdminUrl, freshDatabase, keptDatabase, log, printFigures, round, runBench } from "./support";

const parseArgs = (argv: string[]) => parseOrgBenchArgs(argv, { findings: 100_000, iterations: 30 });

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;

/**
 * The week, written as the bench's superuser with triggers off (finding_event is append-only
 * for the app): the history is shaped, not replayed through syncs.
 */
async function shapeHistory(url: string, orgId: string, target: number): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query("set session_replication_role = replica");
    const [{ n }] = (await c.query<{ n: number }>("select count(*)::int as n from finding where org_id = $1", [orgId])).rows as [{ n: number }];
    const copies = Math.ceil(Math.max(0, target - n) / Math.max(n, 1));
    if (copies > 0) {
      // More findings of the same shapes: each existing one again at other lines, its own fingerprint.
      await c.query(
        `insert into finding (org_id, repo_id, fingerprint, rule, severity, path, line, job_key, message, fix, first_seen_at, last_seen_at)
         select f.org_id, f.repo_id, f.fingerprint || '#' || g, f.rule, f.severity, f.path, f.line + g * 1000, f.job_key, f.message || ' (' || g || ')', f.fix, f.first_seen_at, f.last_seen_at
         from finding f cross join generate_series(1, $2::int) g where f.org_id = $1
         limit $3`,
        [orgId, copies, target - n],
      );
      await c.query(
        `insert into finding_event (org_id, finding_id, fingerprint, type, at, actor, data)
         select f.org_id, f.id, f.fingerprint, 'opened', f.first_seen_at, 'Gatehouse (sync)',
           jsonb_build_object('rule', f.rule, 'severity', f.severity, 'repo', r.full_name, 'path', f.path, 'line', f.line, 'job', f.job_key, 'message', f.message)
         from finding f join repository r on r.id = f.repo_id
         where f.org_id = $1 and not exists (select 1 from finding_event e where e.org_id = f.org_id and e.finding_id = f.id)`,
        [orgId],
      );
    }
    // Everything opened a month ago; the baseline signed off a week ago.
    await c.query("update finding set first_seen_at = now() - interval '30 days' where org_id = $1", [orgId]);
    await c.query("update finding_event set at = now() - interval '30 days' where org_id = $1", [orgId]);
    await c.query(
      `insert into finding_review (org_id, number, since, until, signed_off_by, note, counts, review)
       values ($1, 1, now() - interval '14 days', now() - interval '7 days', 'bench@example.test', 'Baseline.', '{"new":0,"fixed":0,"regressed":0,"expiring":0,"expired":0,"open":0}', '{}')`,
      [orgId],
    );
    // Numbered findings pick their week: 1 in 100 new, 2 in 100 fixed, 1 in 200 regressed.
    await c.query(`create temporary table pick as select id, row_number() over (order by id) as k from finding where org_id = $1`, [orgId]);
    await c.query(`update finding f set first_seen_at = now() - interval '3 days' from pick p where p.id = f.id and p.k % 100 = 0`);
    await c.query(`update finding_event e set at = now() - interval '3 days' from pick p where p.id = e.finding_id and p.k % 100 = 0 and e.org_id = $1`, [orgId]);
    const eventData = `jsonb_build_object('rule', f.rule, 'severity', f.severity, 'repo', r.full_name, 'path', f.path, 'line', f.line, 'job', f.job_key, 'message', f.message)`;
    await c.query(`update finding f set fixed_at = now() - interval '2 days' from pick p where p.id = f.id and p.k % 100 in (1, 2)`);
    await c.query(
      `insert into finding_event (org_id, finding_id, fingerprint, type, at, actor, data)
       select f.org_id, f.id, f.fingerprint, 'fixed', now() - interval '2 days', 'Gatehouse (sync)', ${eventData}
       from finding f join pick p on p.id = f.id join repository r on r.id = f.repo_id where p.k % 100 in (1, 2)`,
    );
    await c.query(`update finding f set regressed_at = now() - interval '1 day' from pick p where p.id = f.id and p.k % 200 = 3`);
    await c.query(
      `insert into finding_event (org_id, finding_id, fingerprint, type, at, actor, data)
       select f.org_id, f.id, f.fingerprint, t.type, t.at, 'Gatehouse (sync)', ${eventData}
       from finding f join pick p on p.id = f.id join repository r on r.id = f.repo_id
       cross join (values ('fixed', now() - interval '20 days'), ('regressed', now() - interval '1 day')) t(type, at)
       where p.k % 200 = 3`,
    );
    // Exceptions: 1 in 250 expiring within the fortnight; 1 in 500 expired during the week.
    await c.query(
      `insert into finding_exception (org_id, scope, finding_id, rule, reason, approved_by, granted_at, expires_at, expiry_recorded_at)
       select f.org_id, 'finding', f.id, f.rule, 'Accepted for the bench.', 'bench@example.test', now() - interval '60 days',
         case when p.k % 500 = 7 then now() - interval '4 days' else now() + interval '10 days' end,
         case when p.k % 500 = 7 then now() - interval '4 days' end
       from finding f join pick p on p.id = f.id where p.k % 250 = 7 and f.fixed_at is null`,
    );
    await c.query(
      `insert into finding_event (org_id, finding_id, fingerprint, type, at, actor, data)
       select f.org_id, f.id, f.fingerprint, 'exception_expired', now() - interval '4 days', 'Gatehouse (scheduler)',
         ${eventData} || jsonb_build_object('exception', jsonb_build_object('id', x.id, 'scope', 'finding', 'rule', f.rule, 'reason', x.reason, 'expiresAt', x.expires_at))
       from finding_exception x join finding f on f.id = x.finding_id join repository r on r.id = f.repo_id
       where x.org_id = $1 and x.expires_at < now()`,
      [orgId],
    );
    await c.query("vacuum analyze");
  } finally {
    await c.end();
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  log(`machine: ${cpus().length} cores, load ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  const login = "bench-review";
  const fixture = generateSyntheticOrg({ repos: args.repos, workflowsPerRepo: args.workflowsPerRepo, seed: args.seed, login });
  const files = fixture.repos.reduce((n, r) => n + [...r.files.keys()].filter((p) => WORKFLOW.test(p)).length, 0);
  log(`synthetic org ${login}: ${fixture.repos.length} repos, ${files} workflow files`);
  const { handle, url, drop } = args.reuse
    ? await keptDatabase(args.reuse)
    : await freshDatabase({ pglite: false, adminUrl: benchAdminUrl() });
  try {
    const db = handle.db;
    let buildSeconds = 0;
    const [org] = args.reuse
      ? await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.slug, login))
      : await db.insert(organizations).values({ slug: login, name: login }).returning({ id: organizations.id });
    if (!org) throw new Error(args.reuse ? `no organisation ${login} in ${args.reuse}` : "could not create the organisation");
    if (!args.reuse) {
      const buildStart = performance.now();
      await buildOrg(db, org.id, fixture, args.writers);
      buildSeconds = round((performance.now() - buildStart) / 1000, 1);
      log(`built in ${buildSeconds} s; shaping the week (${args.findings} findings)`);
      await shapeHistory(url!, org.id, args.findings);
      // The history was shaped behind the writer's back: what is derived from the findings, derived again.
      const repoIds = (await db.select({ id: repositories.id }).from(repositories).where(eq(repositories.orgId, org.id))).map((r) => r.id);
      await deriveFromFindings(db, org.id, repoIds);
    }
    const c = new pg.Client({ connectionString: url! });
    await c.connect();
    const [counts] = (
      await c.query<{ workflows: number; jobs: number; findings: number; open: number; events: number; secrets: number }>(
        `select (select count(*)::int from workflow) workflows, (select count(*)::int from job) jobs, (select count(*)::int from finding) findings,
          (select count(*)::int from finding where fixed_at is null) open, (select count(*)::int from finding_event) events, (select count(*)::int from secret) secrets`,
      )
    ).rows;
    await c.end();
    log(`inventory: ${JSON.stringify(counts)}`);

    const broadStart = performance.now();
    const top = broadest(await credentialFacts(db, org.id));
    const broadestColdMs = round(performance.now() - broadStart, 1);
    log(`broadest credentials alone: ${broadestColdMs} ms; top: ${top.slice(0, 3).map((b) => `${b.name} (${b.scope}) ${b.breadth}`).join("; ")}`);

    const once = async () => {
      const until = new Date();
      const fallback = await defaultSince(db, org.id, until);
      return computeReview(db, org.id, fallback.since, until, fallback.baseline);
    };
    const coldStart = performance.now();
    const first = await once();
    const reviewColdMs = round(performance.now() - coldStart, 1);
    log(`first review ${reviewColdMs} ms: ${JSON.stringify(first.counts)}, ${first.broadest?.length ?? 0} broadest`);
    const times: number[] = [];
    const runStart = performance.now();
    for (let i = 0; i < args.iterations; i++) {
      const t = performance.now();
      await once();
      times.push(performance.now() - t);
    }
    const seconds = (performance.now() - runStart) / 1000;
    const loadAfter = round(loadavg()[0]!, 2);
    log(`${args.iterations} reviews in ${round(seconds, 1)} s; load ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
    times.sort((a, b) => a - b);
    printFigures({
      reviewP50Ms: round(percentile(times, 50), 1),
      reviewP95Ms: round(percentile(times, 95), 1),
      reviewColdMs,
      broadestColdMs,
      findings: counts?.findings ?? 0,
      openFindings: counts?.open ?? 0,
      reqPerSec: round(args.iterations / seconds, 2),
      load1m: loadAfter,
      repos: args.repos,
      workflows: counts?.workflows ?? 0,
      buildSeconds,
    });
  } finally {
    await handle.close();
    if (args.keep) log(`kept ${url}`);
    else await drop();
  }
}

runBench(main);
