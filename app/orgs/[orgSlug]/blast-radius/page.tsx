import type { Metadata } from "next";
import Link from "next/link";
import { requirePagePermission } from "@/lib/orgs/page-context";
import { can } from "@/lib/authz/actor";
import { getDatabase } from "@/lib/db";
import { BLAST_TARGETS, BlastTargetSchema } from "@/lib/inventory/blast-radius-schema";
import { BLAST_LIMITS, computeBlastRadius, type BlastRadius } from "@/lib/inventory/blast-radius";
import { PageHeader } from "@/components/ui/page-header";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { PhaseBadge } from "@/components/inventory/phase-badge";
import { BlastGraph } from "@/components/inventory/blast-graph";
import { GoneWhen } from "@/components/inventory/workflow-gone";
import { getGoneTarget } from "@/lib/inventory/gone-repo";
import { INCIDENT_KINDS } from "@/lib/db/schema/incidents";

export const metadata: Metadata = { title: "Blast radius" };

const CAPABILITY_TONE = { deploy: "red", publish: "red", "write code": "amber", read: "neutral", notify: "neutral" } as const;
const PLACEHOLDER: Record<(typeof BLAST_TARGETS)[number], string> = {
  action: "tj-actions/changed-files@v45",
  secret: "NPM_TOKEN",
  identity: "arn:aws:iam::123456789012:role/deploy",
  workflow: "workflow id (from its page)",
  job: "job id",
  trust: "arn:aws:iam::123456789012:role/deploy (or the trust's id)",
};

const PROVIDER_LABEL = { aws: "AWS", gcp: "Google Cloud", azure: "Azure", vault: "Vault" } as const;
const ACCOUNT_LABEL = { aws: "account", gcp: "project", azure: "tenant", vault: "Vault" } as const;

const count = (n: number) => n.toLocaleString("en-US");

/** "showing 50 of 24,853 jobs" when a list is bounded, else "3 jobs". */
function shown(listed: number, total: number, noun: string): string {
  return listed < total ? `showing ${count(listed)} of ${count(total)} ${noun}` : `${count(total)} ${noun}`;
}

/** What the graph draws: the first credentials and systems, the listed jobs' workflows linked to them, their owners. */
function graphOf(result: BlastRadius) {
  const creds = result.credentials.slice(0, BLAST_LIMITS.graph);
  const systems = result.systems.slice(0, BLAST_LIMITS.graph);
  const linked = new Set(result.edges.map((e) => e.from));
  const workflows = new Map<string, string>();
  for (const j of result.jobs) {
    const id = `workflow:${j.workflowId}`;
    if ((linked.size === 0 || linked.has(id)) && workflows.size < BLAST_LIMITS.graph) workflows.set(id, `${j.repository} · ${j.workflowPath.replace(".github/workflows/", "")}`);
  }
  const owners = [...new Set(creds.flatMap((c) => c.owners))].slice(0, BLAST_LIMITS.graph);
  return {
    columns: [
      { title: "Workflows", nodes: [...workflows].map(([id, label]) => ({ id, label })) },
      { title: "Credentials", nodes: creds.map((c) => ({ id: c.key, label: c.label })) },
      { title: "Systems", nodes: systems.map((s) => ({ id: s.key, label: `${s.capability}: ${s.kind}${s.id ? ` ${s.id}` : ""}` })) },
      { title: "Rotation owners", nodes: owners.map((o) => ({ id: `owner:${o}`, label: o })) },
    ],
    edges: [...result.edges, ...creds.flatMap((c) => c.owners.map((o) => ({ from: c.key, to: `owner:${o}` })))],
  };
}

/** The cloud side: the listed jobs' workflows → the first trusts they can assume (labelled how) → each trust's account → its permissions. */
function trustGraphOf(result: BlastRadius) {
  const shown = result.trusts.slice(0, BLAST_LIMITS.graph);
  const linked = new Set(result.trustEdges.map((e) => e.from));
  const workflows = new Map<string, string>();
  for (const j of result.jobs) {
    const id = `workflow:${j.workflowId}`;
    if (linked.has(id) && workflows.size < BLAST_LIMITS.graph) workflows.set(id, `${j.repository} · ${j.workflowPath.replace(".github/workflows/", "")}`);
  }
  const accounts = new Map(shown.map((t) => [`account:${t.provider}:${t.account ?? "?"}`, `${PROVIDER_LABEL[t.provider]} ${ACCOUNT_LABEL[t.provider]} ${t.account ?? "(not given)"}`]));
  return {
    columns: [
      { title: "Workflows", nodes: [...workflows].map(([id, label]) => ({ id, label })) },
      { title: "Cloud roles", nodes: shown.map((t) => ({ id: `trust:${t.id}`, label: `${PROVIDER_LABEL[t.provider]} ${t.name}${t.decision === "possibly" ? " (possibly)" : ""}` })) },
      { title: "Accounts", nodes: [...accounts].map(([id, label]) => ({ id, label })) },
      { title: "Permissions", nodes: shown.map((t) => ({ id: `perms:${t.id}`, label: permissionsSummary(t) })) },
    ],
    edges: [
      ...result.trustEdges.map((e) => ({ ...e, dash: e.label.startsWith("may") ? ("dotted" as const) : e.label.includes("over-broad") ? ("dashed" as const) : undefined })),
      ...shown.flatMap((t) => [
        { from: `trust:${t.id}`, to: `account:${t.provider}:${t.account ?? "?"}` },
        { from: `account:${t.provider}:${t.account ?? "?"}`, to: `perms:${t.id}` },
      ]),
    ],
  };
}

/** "AdministratorAccess (AWS managed)", "A, B and 3 more", or why they are not known. */
function permissionsSummary(t: BlastRadius["trusts"][number]): string {
  if (t.permissions.length === 0) return `permissions not readable: ${t.permissionsNote ?? "the trust source did not say"}`;
  const first = t.permissions.slice(0, 2).join(", ");
  return t.permissionsTotal > 2 ? `${first} and ${count(t.permissionsTotal - 2)} more` : first;
}

/** How the target's jobs can assume a trust, in the graph's words. */
function assumedBy(t: BlastRadius["trusts"][number]): string {
  const parts = [`${count(t.usingJobs)} ${t.usingJobs === 1 ? "uses" : "use"} it`];
  if (t.overBroadJobs > 0) parts.push(`${count(t.overBroadJobs)} could but ${t.overBroadJobs === 1 ? "does" : "do"} not (over-broad)`);
  const unknown = t.jobs - t.usingJobs - t.overBroadJobs;
  if (unknown > 0) parts.push(`${count(unknown)} name it through an expression`);
  return `${count(t.jobs)} ${t.jobs === 1 ? "job" : "jobs"}: ${parts.join(", ")}`;
}

export default async function BlastRadiusPage({ params, searchParams }: { params: Promise<{ orgSlug: string }>; searchParams: Promise<Record<string, string | undefined>> }) {
  const { orgSlug } = await params;
  const { actor } = await requirePagePermission(orgSlug, "inventory.read");
  const sp = await searchParams;
  const parsed = sp.type || sp.id ? BlastTargetSchema.safeParse({ type: sp.type, id: sp.id }) : null;
  const { db } = await getDatabase();
  const result = parsed?.success ? await computeBlastRadius(db, actor.orgId, parsed.data) : null;
  // A workflow or job id that matches nothing may be one that left its repository: say so.
  const gone = result && result.jobsTotal === 0 ? await getGoneTarget(db, actor.orgId, result.target) : null;
  const base = `/orgs/${actor.orgSlug}`;
  // Where the full list of jobs lives, when there is such a view (none filters by action).
  const allJobs =
    result?.target.type === "secret"
      ? { href: `${base}/workflows?secret=${encodeURIComponent(result.target.id)}`, label: "the workflows using it" }
      : result?.target.type === "workflow"
        ? { href: `${base}/workflows/${result.target.id}`, label: "the workflow's page" }
        : result?.target.type === "trust" && result.trusts.some((t) => t.id === result.target.id)
          ? { href: `${base}/trusts/${result.target.id}`, label: "the trust's page" }
          : null;
  const incidentKind = result && (INCIDENT_KINDS as readonly string[]).includes(result.target.type);
  const type = parsed?.success ? parsed.data.type : ((sp.type as (typeof BLAST_TARGETS)[number] | undefined) ?? "action");
  const input = "rounded-md border border-slate-300 px-2 py-1.5";
  return (
    <>
      <PageHeader
        title="Blast radius"
        description="If this is compromised, what can it deploy, publish or read — and who has to rotate what? Pick a workflow, job, secret, identity, action reference (owner/action or owner/action@ref) or cloud trust (its role ARN, resource name or id)."
        actions={
          result && incidentKind && result.jobsTotal > 0 && can(actor, "incident.run") ? (
            <Link
              href={`${base}/incidents?kind=${result.target.type}&target=${encodeURIComponent(result.target.id)}`}
              className="rounded-md bg-red-800 px-3 py-1.5 text-sm font-medium text-white hover:bg-red-900"
              data-testid="start-incident"
            >
              Start an incident for this {result.target.type}
            </Link>
          ) : null
        }
      />
      <form method="get" action={`${base}/blast-radius`} role="search" className="mb-4 flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 text-sm">
        <label className="flex flex-col gap-1">
          <span className="font-medium">Kind</span>
          <select name="type" defaultValue={type} className={input}>
            {BLAST_TARGETS.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label className="flex min-w-80 flex-1 flex-col gap-1">
          <span className="font-medium">Name or reference</span>
          <input name="id" defaultValue={sp.id ?? ""} placeholder={PLACEHOLDER[type]} className={`${input} font-mono`} required />
        </label>
        <button type="submit" className="rounded-md bg-blue-800 px-3 py-1.5 font-medium text-white hover:bg-blue-900">
          Show blast radius
        </button>
      </form>
      {parsed && !parsed.success ? <Alert>{parsed.error.issues.map((i) => `${String(i.path[0])} ${i.message}`).join("; ")}.</Alert> : null}
      {gone ? (
        <div data-testid="blast-gone">
          <Alert tone="info">
            {gone.job ? (
              <>
                This job (<span className="font-mono">{gone.job.jobKey}</span>) no longer exists: it was removed <GoneWhen removedAt={gone.job.removedAt} lastSeenAt={gone.job.lastSeenAt} />
                , so it reaches nothing now.{" "}
              </>
            ) : null}
            {gone.workflow ? (
              <>
                {gone.job ? "Its workflow " : "This workflow "}
                <span className="font-mono">
                  {gone.workflow.repository}/{gone.workflow.path}
                </span>{" "}
                {gone.workflow.movedTo ? `moved to ${gone.workflow.movedTo.path}` : "was deleted"} <GoneWhen removedAt={gone.workflow.removedAt} lastSeenAt={gone.workflow.lastSeenAt} />.{" "}
              </>
            ) : null}
            <Link href={`${base}/workflows/${gone.job?.workflowId ?? gone.workflow!.id}${gone.job ? `?job=${gone.job.id}` : ""}`} className="underline">
              {gone.workflow?.movedTo ? "Where it went" : gone.workflow ? "What it was" : "Its workflow"}
            </Link>
          </Alert>
        </div>
      ) : result && result.jobsTotal === 0 ? (
        <Alert tone="info">
          Nothing in {actor.orgSlug} matches this {result.target.type}. Check the spelling; secret names are matched without regard to case, action references as owner/action or owner/action@ref.
        </Alert>
      ) : null}
      {result && result.jobsTotal > 0 ? (
        <div className="space-y-6" data-testid="blast-result">
          <section aria-labelledby="reach-heading" className="rounded-lg border border-slate-200 bg-white p-4 text-sm">
            <h2 id="reach-heading" className="font-semibold">
              What it can reach ({count(result.systemsTotal)} systems, {count(result.credentialsTotal)} credentials, {count(result.jobsTotal)} jobs)
            </h2>
            {result.systemsTotal === 0 ? <p className="mt-2 text-slate-600">No external system identified.</p> : null}
            {result.systems.length < result.systemsTotal ? (
              <p className="mt-1 text-xs text-slate-600" data-testid="blast-systems-bound">
                {shown(result.systems.length, result.systemsTotal, "systems")}: the strongest capability first, then the most jobs.
              </p>
            ) : null}
            <ul className="mt-2 space-y-1">
              {result.systems.map((s) => (
                <li key={s.key} data-testid="blast-system">
                  <Badge tone={CAPABILITY_TONE[s.capability]}>{s.capability}</Badge> {s.kind} {s.id ? <span className="font-mono text-xs">{s.id}</span> : null}
                  <span className="text-xs text-slate-600">
                    {" "}
                    via {s.via.join(", ") || "the job"}
                    {s.viaTotal > s.via.length ? ` and ${count(s.viaTotal - s.via.length)} more` : ""} · {count(s.jobs)} {s.jobs === 1 ? "job" : "jobs"}
                  </span>
                </li>
              ))}
            </ul>
          </section>
          <section aria-labelledby="rotate-heading" className="rounded-lg border border-slate-200 bg-white p-4 text-sm">
            <h2 id="rotate-heading" className="font-semibold">
              Who rotates what
            </h2>
            <p className="mt-1 text-xs text-slate-600" data-testid="blast-credentials-bound">
              {shown(result.credentials.length, result.credentialsTotal, "credentials")}
              {result.credentials.length < result.credentialsTotal ? ", the most used first" : ""}; {count(result.rotationTotal)} rotation{" "}
              {result.rotationTotal === 1 ? "owner" : "owners"}.
            </p>
            <table className="mt-2 w-full text-left">
              <caption className="sr-only">Credentials by rotation owner</caption>
              <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-600">
                <tr>
                  <th scope="col" className="py-1.5 pr-3">Credential</th>
                  <th scope="col" className="py-1.5 pr-3">What it is</th>
                  <th scope="col" className="py-1.5 pr-3">Jobs</th>
                  <th scope="col" className="py-1.5 pr-3">Last rotated</th>
                  <th scope="col" className="py-1.5 pr-3">Rotation owner</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {result.credentials.map((c) => (
                  <tr key={c.key} data-testid="blast-credential">
                    <td className="py-1.5 pr-3 font-mono text-xs">{c.label}</td>
                    <td className="py-1.5 pr-3">{c.detail}</td>
                    <td className="py-1.5 pr-3">{count(c.jobs)}</td>
                    <td className="py-1.5 pr-3">{c.updatedAt ? c.updatedAt.slice(0, 10) : "—"}</td>
                    <td className="py-1.5 pr-3">
                      {c.kind === "github-token" ? "expires with the run" : c.owners.join(", ")}
                      {c.ownersTotal > c.owners.length ? ` and ${count(c.ownersTotal - c.owners.length)} more` : ""}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <BlastGraph graph={graphOf(result)} />
          {result.trustsTotal > 0 ? (
            <section aria-labelledby="trusts-heading" className="rounded-lg border border-slate-200 bg-white p-4 text-sm" data-testid="blast-trusts">
              <h2 id="trusts-heading" className="font-semibold">
                Cloud roles its jobs can assume ({shown(result.trusts.length, result.trustsTotal, "trusts")})
              </h2>
              <p className="mt-1 text-xs text-slate-600">From the last evaluation of the organisation&apos;s cloud trust: a job&apos;s OIDC token matches the trust&apos;s conditions.</p>
              <ul className="mt-2 space-y-2">
                {result.trusts.map((t) => (
                  <li key={t.id} data-testid="blast-trust">
                    <Link href={`${base}/trusts/${t.id}`} className="text-blue-800 underline">
                      {PROVIDER_LABEL[t.provider]} {t.name}
                    </Link>{" "}
                    <Badge tone={t.decision === "yes" ? "red" : "amber"}>{t.decision === "yes" ? "can assume" : "may assume (possibly)"}</Badge>{" "}
                    {t.overBroadJobs > 0 ? <Badge tone="amber">over-broad</Badge> : null}
                    <span className="text-xs text-slate-600">
                      {" "}
                      {assumedBy(t)} · {ACCOUNT_LABEL[t.provider]} <span className="font-mono">{t.account ?? "not given"}</span>
                    </span>
                    <div className="font-mono text-xs text-slate-600">{t.resource}</div>
                    <div className="text-xs" data-testid="blast-trust-permissions">
                      {t.permissions.length === 0 ? (
                        <span className="text-slate-600">permissions not readable: {t.permissionsNote}</span>
                      ) : (
                        <>
                          {t.permissions.join("; ")}
                          {t.permissionsTotal > t.permissions.length ? ` and ${count(t.permissionsTotal - t.permissions.length)} more` : ""}
                        </>
                      )}
                    </div>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          {result.trustsTotal > 0 ? (
            <div>
              <BlastGraph graph={trustGraphOf(result)} label="Cloud trust graph" testId="blast-trust-graph" columnWidth={440} />
              <p className="mt-1 text-xs text-slate-600">Workflow → role: solid, can assume (uses it); dashed, can assume (does not use it: over-broad); dotted, may assume (possibly).</p>
            </div>
          ) : null}
          <section aria-labelledby="jobs-heading" className="rounded-lg border border-slate-200 bg-white p-4 text-sm">
            <h2 id="jobs-heading" className="font-semibold">
              Jobs ({shown(result.jobs.length, result.jobsTotal, "jobs")})
            </h2>
            {result.jobs.length < result.jobsTotal ? (
              <p className="mt-1 text-xs text-slate-600" data-testid="blast-jobs-bound">
                By repository, workflow and job.{" "}
                {allJobs ? (
                  <Link href={allJobs.href} className="text-blue-800 underline">
                    All {count(result.jobsTotal)}: {allJobs.label}
                  </Link>
                ) : (
                  `Everything above covers all ${count(result.jobsTotal)} jobs.`
                )}
              </p>
            ) : null}
            <ul className="mt-2 space-y-1">
              {result.jobs.map((j) => (
                <li key={j.id} data-testid="blast-job">
                  <Link href={`${base}/workflows/${j.workflowId}?job=${j.id}#job-${j.id}`} className="text-blue-800 underline">
                    {j.repository} · {j.workflowPath} · {j.job}
                  </Link>{" "}
                  <PhaseBadge phase={j.phase} /> {j.environment ? <Badge>env {j.environment}</Badge> : null} {j.runsUntrustedCode ? <Badge tone="red">runs PR code</Badge> : null}
                  {j.tokenWrites.length > 0 ? <span className="text-xs text-slate-600"> token write: {j.tokenWrites.join(", ")}</span> : null}
                  {j.idToken ? <span className="text-xs text-slate-600"> · can mint OIDC tokens</span> : null}
                </li>
              ))}
            </ul>
          </section>
        </div>
      ) : null}
    </>
  );
}
