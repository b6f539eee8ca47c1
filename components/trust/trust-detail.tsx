"use client";

import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { SEVERITY_TONE } from "@/components/findings/finding-labels";
import type { TrustMatchDto } from "@/lib/trust-sources/trust-sources-dto";
import { fetchTrust, trustKeys } from "./queries";
import { OutsideBadge, PROVIDER_LABEL } from "./trust-labels";

const OUTSIDE_TEXT: Record<string, string> = {
  yes: "Tokens from repositories of other GitHub owners are accepted.",
  possibly: "Tokens from other owners may be accepted: something the trust depends on cannot be decided from the export.",
  no: "No token of another owner can match.",
};

function JobRows({ orgSlug, matches, empty }: { orgSlug: string; matches: TrustMatchDto[]; empty: string }) {
  if (matches.length === 0) return <p className="px-4 py-3 text-sm text-slate-600">{empty}</p>;
  return (
    <ul className="divide-y divide-slate-100 text-sm">
      {matches.map((m) => (
        <li key={`${m.repo}/${m.workflowPath}/${m.jobKey}`} className="px-4 py-2" data-testid="trust-job" data-job={`${m.repo}:${m.jobKey}`}>
          {m.workflowId ? (
            <Link href={`/orgs/${orgSlug}/workflows/${m.workflowId}`} className="font-medium text-blue-800 underline">
              {m.repo} · {m.workflowPath} · {m.jobKey}
            </Link>
          ) : (
            <span className="font-medium">
              {m.repo} · {m.workflowPath} · {m.jobKey}
            </span>
          )}{" "}
          {m.decision === "possibly" ? <Badge tone="amber">possibly</Badge> : <Badge tone="red">matches</Badge>}
          <div className="break-all font-mono text-xs text-slate-600">sub: {m.sub}</div>
        </li>
      ))}
    </ul>
  );
}

export function TrustDetail({ orgSlug, trustId }: { orgSlug: string; trustId: string }) {
  const q = useQuery({ queryKey: trustKeys.detail(orgSlug, trustId), queryFn: () => fetchTrust(orgSlug, trustId) });
  if (q.isError) return <Alert>This trust could not be loaded: {q.error.message}</Alert>;
  if (!q.data) return <p className="p-4 text-sm text-slate-600">Loading the trust…</p>;
  const t = q.data;
  const uses = t.matches.filter((m) => m.uses === true);
  const could = t.matches.filter((m) => m.uses === false);
  const unknown = t.matches.filter((m) => m.uses === null);
  return (
    <div className="space-y-6">
      <section aria-label="Where it lives" className="rounded-lg border border-slate-200 bg-white p-4 text-sm">
        <dl className="grid grid-cols-1 gap-x-6 gap-y-2 sm:grid-cols-[max-content_1fr]">
          <dt className="font-medium text-slate-600">Provider</dt>
          <dd>{PROVIDER_LABEL[t.provider]}</dd>
          <dt className="font-medium text-slate-600">Identifier</dt>
          <dd className="break-all font-mono text-xs">{t.details?.resource ?? t.externalId}</dd>
          <dt className="font-medium text-slate-600">Account</dt>
          <dd className="font-mono text-xs">{t.account ?? "not known"}</dd>
          <dt className="font-medium text-slate-600">Permissions</dt>
          <dd>
            {t.details && t.details.permissions.length > 0 ? (
              <ul className="list-inside list-disc">
                {t.details.permissions.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            ) : (
              <span className="text-slate-600">{t.details?.permissionsNote ?? "Not read: an uploaded export carries the trust only; an API source also reads the role's policies."}</span>
            )}
          </dd>
          <dt className="font-medium text-slate-600">Source</dt>
          <dd>
            {t.source.name} ({t.source.kind === "upload" ? "uploaded export" : "API"}), read {t.readAt.slice(0, 16).replace("T", " ")} UTC
            {t.source.status === "failed" ? <Badge tone="amber">last read failed: these are the previous trusts</Badge> : null}
          </dd>
        </dl>
      </section>

      <section aria-labelledby="conditions" className="rounded-lg border border-slate-200 bg-white">
        <h2 id="conditions" className="border-b border-slate-200 px-4 py-2 text-sm font-semibold">What a token must carry</h2>
        <dl className="grid grid-cols-1 gap-x-6 gap-y-1 px-4 py-3 text-sm sm:grid-cols-[max-content_1fr]">
          {t.conditions.map((c, i) => (
            <div key={i} className="contents">
              <dt className="font-mono text-xs text-slate-600">{c.label}</dt>
              <dd className="break-all font-mono text-xs">{c.value}</dd>
            </div>
          ))}
        </dl>
      </section>

      <section aria-labelledby="findings" className="rounded-lg border border-slate-200 bg-white">
        <h2 id="findings" className="border-b border-slate-200 px-4 py-2 text-sm font-semibold">Findings</h2>
        {t.findings.length === 0 ? <p className="px-4 py-3 text-sm text-slate-600">None: the trust is as narrow as its jobs need.</p> : null}
        <ul className="divide-y divide-slate-100 text-sm">
          {t.findings.map((f) => (
            <li key={f.rule} className="px-4 py-3" data-testid="trust-finding" data-rule={f.rule}>
              <div className="flex flex-wrap items-center gap-2">
                <Badge tone={SEVERITY_TONE[f.severity] ?? "neutral"}>{f.severity}</Badge>
                <span className="font-medium">{t.findingFixes[f.rule]?.title ?? f.rule}</span>
                <span className="font-mono text-xs text-slate-500">{f.rule}</span>
              </div>
              <p className="mt-1">{f.message}</p>
              {t.findingFixes[f.rule] ? <p className="mt-1 text-slate-700"><span className="font-medium">Fix:</span> {t.findingFixes[f.rule]!.fix}</p> : null}
            </li>
          ))}
        </ul>
      </section>

      <div className="grid gap-6 lg:grid-cols-2">
        <section aria-labelledby="uses-it" className="rounded-lg border border-slate-200 bg-white">
          <h2 id="uses-it" className="border-b border-slate-200 px-4 py-2 text-sm font-semibold">Jobs that use it ({uses.length})</h2>
          <JobRows orgSlug={orgSlug} matches={uses} empty="No job names this trust." />
        </section>
        <section aria-labelledby="could-use-it" className="rounded-lg border border-amber-300 bg-white">
          <h2 id="could-use-it" className="border-b border-amber-200 px-4 py-2 text-sm font-semibold">
            Jobs that could use it but do not ({could.length}){could.length > 0 ? " — over-broad" : ""}
          </h2>
          <JobRows orgSlug={orgSlug} matches={could} empty="None: only the jobs that name it can assume it." />
          {unknown.length > 0 ? (
            <>
              <h3 className="border-t border-slate-200 px-4 py-2 text-xs font-semibold uppercase tracking-wide text-slate-600">Matching, reference not resolved ({unknown.length})</h3>
              <JobRows orgSlug={orgSlug} matches={unknown} empty="" />
            </>
          ) : null}
        </section>
      </div>

      <section aria-labelledby="outside" className="rounded-lg border border-slate-200 bg-white p-4 text-sm">
        <h2 id="outside" className="mb-1 font-semibold">
          Tokens from outside the organisation <OutsideBadge verdict={t.outsideTokens} />
        </h2>
        <p className="text-slate-700">{t.outsideTokens ? OUTSIDE_TEXT[t.outsideTokens] : "Not evaluated yet: it will be after the next sync."}</p>
      </section>
    </div>
  );
}
