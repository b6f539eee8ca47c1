import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requirePagePermission } from "@/lib/orgs/page-context";
import { can } from "@/lib/authz/actor";
import { getDatabase } from "@/lib/db";
import { getWorkflowDetail } from "@/lib/inventory/workflow-detail-repo";
import { getGoneJob, getGoneWorkflow } from "@/lib/inventory/gone-repo";
import { PageHeader } from "@/components/ui/page-header";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { JobCard } from "@/components/inventory/job-card";
import { CI_SYSTEM_LABELS, CI_SYSTEM_WORDS } from "@/components/inventory/ci-system-badge";
import { WorkflowSource } from "@/components/inventory/workflow-source";
import { GoneWhen, WorkflowGone } from "@/components/inventory/workflow-gone";
import { ExceptionNote, SEVERITY_TONE, StateBadge } from "@/components/findings/finding-labels";
import { FindingTriage } from "@/components/findings/finding-triage";
import { LiveFactsPanel } from "@/components/inventory/live-facts-panel";
import { getWorkflowLiveFacts } from "@/lib/pipeline-sources/live-facts-service";

export const metadata: Metadata = { title: "Workflow" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function WorkflowPage({
  params,
  searchParams,
}: {
  params: Promise<{ orgSlug: string; workflowId: string }>;
  searchParams: Promise<{ job?: string | string[] }>;
}) {
  const { orgSlug, workflowId } = await params;
  const { actor } = await requirePagePermission(orgSlug, "inventory.read");
  if (!UUID.test(workflowId)) notFound();
  // ?job=<job id> points at one job: highlighted when it is there, explained when it is gone.
  const jobParam = (await searchParams).job;
  const jobId = typeof jobParam === "string" && UUID.test(jobParam) ? jobParam : null;
  const { db } = await getDatabase();
  const wf = await getWorkflowDetail(db, actor.orgId, workflowId);
  const goneJob = jobId && !wf?.jobs.some((j) => j.id === jobId) ? await getGoneJob(db, actor.orgId, jobId) : null;
  const jobGoneHere = goneJob?.workflowId === workflowId ? goneJob : null;
  if (!wf) {
    // An id that once was a workflow of this org says where it went; anything else is not found.
    const gone = await getGoneWorkflow(db, actor.orgId, workflowId);
    if (!gone) notFound();
    return <WorkflowGone gone={gone} job={jobGoneHere} orgSlug={actor.orgSlug} />;
  }
  // Buildkite and Tekton files: what a connected pipeline source knows beyond the file (null: none read).
  const liveFacts = wf.system === "github-actions" ? null : await getWorkflowLiveFacts(db, actor, wf.id);
  const marks = new Map<number, { severity: string; rule: string }[]>();
  for (const f of wf.findings) marks.set(f.line, [...(marks.get(f.line) ?? []), { severity: f.severity, rule: f.rule }]);
  const startIncident = can(actor, "incident.run")
    ? (kind: "job" | "runner", target: string) => `/orgs/${actor.orgSlug}/incidents?kind=${kind}&target=${encodeURIComponent(target)}`
    : undefined;
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href={`/orgs/${actor.orgSlug}/workflows`} className="text-blue-800 underline">
          Workflows
        </Link>{" "}
        / {wf.repository}
      </p>
      <PageHeader
        title={wf.name ?? wf.path}
        description={
          <>
            {wf.system !== "github-actions" ? `${CI_SYSTEM_LABELS[wf.system]} · ` : ""}
            <span className="font-mono">{wf.repository}/{wf.path}</span> · triggers {wf.triggers.join(", ") || "none"}
            {wf.untrustedTriggers.length > 0 ? ` · startable by outsiders through ${wf.untrustedTriggers.join(", ")}` : ""} · owner{" "}
            {wf.owner ? `${wf.owner} (from ${wf.ownerSource})` : "unknown"}
          </>
        }
        actions={
          <div className="flex flex-wrap gap-2">
            <Link href={`/orgs/${actor.orgSlug}/blast-radius?type=workflow&id=${wf.id}`} className="rounded-md bg-blue-800 px-3 py-1.5 text-sm font-medium text-white hover:bg-blue-900">
              Blast radius
            </Link>
            {can(actor, "incident.run") ? (
              <Link href={`/orgs/${actor.orgSlug}/incidents?kind=workflow&target=${wf.id}`} className="rounded-md bg-red-800 px-3 py-1.5 text-sm font-medium text-white hover:bg-red-900">
                Start an incident
              </Link>
            ) : null}
          </div>
        }
      />
      {jobGoneHere ? (
        <div className="mb-4" data-testid="job-gone">
          <Alert tone="info">
            The job <span className="font-mono">{jobGoneHere.jobKey}</span> no longer exists in this workflow: it was removed{" "}
            <GoneWhen removedAt={jobGoneHere.removedAt} lastSeenAt={jobGoneHere.lastSeenAt} />.
          </Alert>
        </div>
      ) : null}
      {wf.parseError ? <Alert>This file could not be analysed: {wf.parseError}</Alert> : null}
      <div className="grid gap-6 xl:grid-cols-2">
        <div className="space-y-4">
          <section aria-labelledby="findings-heading" className="rounded-lg border border-slate-200 bg-white p-4 text-sm">
            <h2 id="findings-heading" className="font-semibold">
              Open findings ({wf.findings.length})
            </h2>
            {wf.findings.length === 0 ? (
              <p className="mt-2 text-slate-600">None: nothing over-broad was found in this workflow.</p>
            ) : (
              <ul className="mt-2 space-y-3">
                {wf.findings.map((f) => (
                  <li key={f.id} data-testid="finding">
                    <div className="flex flex-wrap items-center gap-2">
                      <Badge tone={SEVERITY_TONE[f.severity] ?? "neutral"}>{f.severity}</Badge>
                      <StateBadge state={f.state} />
                      <span className="font-mono text-xs">{f.rule}</span>
                      {f.line > 0 ? (
                        <a href={`#L${f.line}`} className="text-xs text-blue-800 underline">
                          line {f.line}
                        </a>
                      ) : (
                        // A pipeline source's finding (lib/pipeline-sources/finding-rows.ts): from the system's API, not a line.
                        <span className="text-xs text-slate-600">from the {wf.system === "buildkite" ? "Buildkite" : "cluster"} source</span>
                      )}
                      {f.assignee ? <span className="text-xs text-slate-700">assigned to {f.assignee}</span> : null}
                    </div>
                    <p className="mt-1">{f.message}</p>
                    <p className="mt-0.5 text-slate-600">Fix: {f.fix}</p>
                    {f.exception ? <ExceptionNote exception={f.exception} /> : null}
                    {can(actor, "finding.triage") ? (
                      <FindingTriage
                        orgSlug={actor.orgSlug}
                        canGrant={can(actor, "exception.grant")}
                        finding={{ id: f.id, label: f.line > 0 ? `${f.rule} on line ${f.line}` : f.rule, rule: f.rule, repo: f.repo, triageState: f.triageState, assignee: f.assignee, owner: f.owner, exceptionId: f.exception?.id ?? null }}
                      />
                    ) : null}
                  </li>
                ))}
              </ul>
            )}
          </section>
          {liveFacts && wf.system !== "github-actions" ? <LiveFactsPanel facts={liveFacts} system={wf.system} /> : null}
          <h2 className="font-semibold">
            {CI_SYSTEM_WORDS[wf.system].jobs} ({wf.jobs.length})
          </h2>
          {wf.jobs.map((j) => (
            <JobCard key={j.id} job={j} system={wf.system} highlighted={j.id === jobId} incidentHref={startIncident} />
          ))}
        </div>
        <section aria-labelledby="source-heading">
          <h2 id="source-heading" className="mb-2 font-semibold">
            Source
          </h2>
          {wf.source ? <WorkflowSource source={wf.source} marks={marks} /> : <p className="text-sm text-slate-600">The file&apos;s text is not stored.</p>}
        </section>
      </div>
    </>
  );
}
