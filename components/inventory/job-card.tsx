import Link from "next/link";
import type { JobDetail } from "@/lib/inventory/workflow-detail-repo";
import { calendarDaysBetween } from "@/lib/analysis/dates";
import { Badge } from "@/components/ui/badge";
import { PhaseBadge } from "./phase-badge";
import { OidcBadge } from "./inventory-parts";
import { CI_SYSTEM_WORDS } from "./ci-system-badge";
import type { CiSystem } from "@/lib/analysis/types";

function permissionsText(j: JobDetail): string {
  if (j.permissions === null) return `inherits the repository default (${j.effectiveDefault ?? "unknown"})`;
  if (typeof j.permissions === "string") return j.permissions;
  const entries = Object.entries(j.permissions).filter(([, v]) => v !== "none");
  return entries.length === 0 ? "none ({})" : entries.map(([k, v]) => `${k}: ${v}`).join(", ");
}

/** Labels every self-hosted runner of a kind carries: an incident about one of them would take in the whole fleet. */
const GENERIC_RUNNER_LABELS = new Set(["self-hosted", "linux", "windows", "macos", "x64", "arm64", "arm", "x86"]);

/** The labels that name this job's self-hosted runners, most specific first; "self-hosted" when none does. */
function runnerLabels(job: JobDetail): string[] {
  const specific = job.runsOn.filter((l) => !GENERIC_RUNNER_LABELS.has(l.toLowerCase()) && !l.includes("${{"));
  return specific.length > 0 ? specific : ["self-hosted"];
}

const ageDays = (iso: string | null) => (iso ? calendarDaysBetween(Date.parse(iso), Date.now()) : null);

/**
 * `highlighted`: the job the address points at (?job=<id>). `incidentHref`: where to start an
 * incident about this job or one of its self-hosted runners; absent for those who may not.
 */
export function JobCard({
  job,
  system = "github-actions",
  highlighted = false,
  incidentHref,
}: {
  job: JobDetail;
  /** A Buildkite step or Tekton task has no GITHUB_TOKEN and runs on its system's agents or pods. */
  system?: CiSystem;
  highlighted?: boolean;
  incidentHref?: (kind: "job" | "runner", target: string) => string;
}) {
  const github = system === "github-actions";
  return (
    <section
      aria-labelledby={`job-${job.id}`}
      aria-current={highlighted ? "true" : undefined}
      className={`rounded-lg border bg-white p-4 text-sm ${highlighted ? "border-blue-700 ring-2 ring-blue-700" : "border-slate-200"}`}
      data-testid="job-card"
    >
      <h3 id={`job-${job.id}`} className="flex flex-wrap items-center gap-2 font-semibold">
        <a href={`#L${job.line}`} className="font-mono underline-offset-2 hover:underline">
          {job.key}
        </a>
        {job.name && job.name !== job.key ? <span className="font-normal text-slate-600">{job.name}</span> : null}
        <PhaseBadge phase={job.phase} />
        {job.runsUntrustedCode ? <Badge tone="red">runs code a pull request controls</Badge> : null}
        {incidentHref ? (
          <Link href={incidentHref("job", job.id)} className="ml-auto text-xs font-normal text-red-800 underline" aria-label={`Start an incident for job ${job.key}`}>
            Start an incident
          </Link>
        ) : null}
      </h3>
      <dl className="mt-3 grid gap-x-6 gap-y-2 sm:grid-cols-[10rem_1fr]">
        {github ? (
          <>
            <dt className="text-slate-600">GITHUB_TOKEN</dt>
            <dd>
              {permissionsText(job)} <span className="text-xs text-slate-500">(from {job.permissionsSource})</span>
              {job.idToken ? (
                <span className="ml-2">
                  <Badge tone="blue">id-token: write</Badge>
                </span>
              ) : null}
            </dd>
          </>
        ) : (
          <>
            <dt className="text-slate-600">OIDC token</dt>
            <dd>{job.idToken ? <Badge tone="blue">requests one</Badge> : <span className="text-slate-500">none requested</span>}</dd>
          </>
        )}
        <dt className="text-slate-600">Environment</dt>
        <dd>
          {job.environment ? (
            <>
              {job.environment.name}{" "}
              {job.environment.protected ? <Badge tone="green">protected</Badge> : <Badge tone="red">no protection rules</Badge>}
              {job.environment.protection && job.environment.protection.requiredReviewers.length > 0 ? (
                <span className="text-xs text-slate-600"> reviewers: {job.environment.protection.requiredReviewers.map((r) => r.login).join(", ")}</span>
              ) : null}
            </>
          ) : (
            <span className="text-slate-500">none</span>
          )}
        </dd>
        <dt className="text-slate-600">{CI_SYSTEM_WORDS[system].runner}</dt>
        <dd>
          {job.runsOn.join(", ") || "—"} {job.selfHosted ? <Badge tone="amber">self-hosted</Badge> : null}
          {github && job.selfHosted && incidentHref
            ? runnerLabels(job).map((label) => (
                <Link key={label} href={incidentHref("runner", label)} className="ml-2 text-xs text-red-800 underline" aria-label={`Start an incident for the runners labelled ${label}`}>
                  Incident on runners “{label}”
                </Link>
              ))
            : null}
        </dd>
        <dt className="text-slate-600">Secrets</dt>
        <dd>
          {job.secrets.length === 0 ? (
            <span className="text-slate-500">none</span>
          ) : (
            <ul className="space-y-0.5">
              {job.secrets.map((s, i) => {
                const age = ageDays(s.updatedAt);
                return (
                  <li key={`${s.name}-${i}`} data-testid="job-secret">
                    <a href={`#L${s.line}`} className="font-mono underline-offset-2 hover:underline">
                      {s.name}
                    </a>{" "}
                    <span className="text-xs text-slate-600">via {s.via}</span>{" "}
                    {s.resolution === "missing" ? (
                      <Badge tone="red">not defined</Badge>
                    ) : s.resolution === "github-token" ? (
                      <Badge>the job&apos;s own token</Badge>
                    ) : s.resolution === "external" ? (
                      <Badge>{CI_SYSTEM_WORDS[system].secretHolder}</Badge>
                    ) : (
                      <Badge tone={age !== null && age > 365 ? "amber" : "neutral"}>
                        {s.resolution === "all" ? "all secrets" : `${s.scope ?? s.resolution} secret`}
                        {age !== null ? `, rotated ${age} days ago` : ""}
                      </Badge>
                    )}
                  </li>
                );
              })}
            </ul>
          )}
        </dd>
        <dt className="text-slate-600">Identities</dt>
        <dd>
          {job.identities.length === 0 ? (
            <span className="text-slate-500">none</span>
          ) : (
            <ul className="space-y-0.5">
              {job.identities.map((i, n) => (
                <li key={n}>
                  {i.kind} {i.id ? <span className="font-mono text-xs">{i.id}</span> : null} <OidcBadge oidc={i.oidc} kind={i.kind} />
                  {i.symbolic ? <span className="text-xs text-slate-500"> (unresolved expression)</span> : null}
                  {i.heuristic ? <span className="text-xs text-slate-500"> (from a script, heuristic)</span> : null}
                </li>
              ))}
            </ul>
          )}
        </dd>
        <dt className="text-slate-600">Reaches</dt>
        <dd>{job.systems.length === 0 ? <span className="text-slate-500">nothing identified</span> : job.systems.map((s) => (s.id ? `${s.kind} ${s.id}` : s.kind)).join(" · ")}</dd>
        <dt className="text-slate-600">Actions</dt>
        <dd>
          {job.uses.length === 0 && !job.calls ? (
            <span className="text-slate-500">none</span>
          ) : (
            <ul className="space-y-0.5">
              {job.calls ? (
                <li>
                  calls <span className="font-mono text-xs">{job.calls.workflow}</span> with {job.calls.secrets === "inherit" ? "secrets: inherit" : `${job.calls.secrets.length} secrets`}
                </li>
              ) : null}
              {job.uses.map((u, n) => (
                <li key={n}>
                  <span className="font-mono text-xs">{u.uses}</span> {u.pinned ? <Badge tone="green">pinned</Badge> : u.uses.startsWith("./") ? null : <Badge tone="amber">not pinned to a SHA</Badge>}
                </li>
              ))}
            </ul>
          )}
        </dd>
      </dl>
    </section>
  );
}
