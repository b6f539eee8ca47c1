import Link from "next/link";
import type { ReactNode } from "react";
import type { JobRefDto, OwnerRefDto } from "@/lib/inventory/credentials-dto";
import { OWNER_SOURCE_LABELS } from "@/lib/inventory/credentials-labels";
import { Badge } from "@/components/ui/badge";
import { CleanGetForm } from "./filter-form";

// Small pieces the Secrets, Identities, Systems and Owners views share. Server-renderable.

export const fieldClass = "rounded-md border border-slate-300 bg-white px-2 py-1.5";

/** A GET form: the view's state goes to the URL, so it can be pasted and works without scripts. */
export function FilterForm({ action, label, children, clearHref }: { action: string; label: string; children: ReactNode; clearHref: string }) {
  return (
    <CleanGetForm action={action} label={label} className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 text-sm">
      {children}
      <button type="submit" className="rounded-md bg-blue-800 px-3 py-1.5 font-medium text-white hover:bg-blue-900">
        Apply
      </button>
      <Link href={clearHref} className="px-2 py-1.5 text-blue-800 underline">
        Clear
      </Link>
    </CleanGetForm>
  );
}

export function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <label className="flex flex-col gap-1">
      <span className="font-medium">{label}</span>
      {children}
    </label>
  );
}

/** "Showing 1–50 of 83" and previous / next links that keep the other filters. */
export function Pagination({ total, page, size, hrefFor, noun }: { total: number; page: number; size: number; hrefFor: (page: number) => string; noun: string }) {
  const pages = Math.max(1, Math.ceil(total / size));
  const from = total === 0 ? 0 : (page - 1) * size + 1;
  const to = Math.min(total, page * size);
  return (
    <nav aria-label={`${noun} pages`} className="flex flex-wrap items-center justify-between gap-3 px-4 py-3 text-sm text-slate-700">
      <p data-testid="page-summary">
        {total === 0 ? `No ${noun}` : `Showing ${from}–${to} of ${total} ${noun}`}
        {pages > 1 ? ` · page ${page} of ${pages}` : ""}
      </p>
      <div className="flex gap-2">
        {page > 1 ? (
          <Link href={hrefFor(page - 1)} className="rounded-md border border-slate-300 bg-white px-3 py-1 font-medium hover:bg-slate-100" rel="prev">
            Previous
          </Link>
        ) : null}
        {page < pages ? (
          <Link href={hrefFor(page + 1)} className="rounded-md border border-slate-300 bg-white px-3 py-1 font-medium hover:bg-slate-100" rel="next">
            Next
          </Link>
        ) : null}
      </div>
    </nav>
  );
}

function JobItem({ job, orgSlug }: { job: JobRefDto; orgSlug: string }) {
  const file = job.workflowPath.replace(/^\.github\/workflows\//, "");
  // The workflow page, scrolled to (and highlighting) the line that references the credential.
  const href = `/orgs/${orgSlug}/workflows/${job.workflowId}#L${job.line}`;
  return (
    <li data-testid="job-ref">
      <Link href={href} className="underline decoration-slate-300 underline-offset-2 hover:decoration-blue-700">
        <span className="font-medium">{job.repository}</span> <span className="text-slate-500">·</span>{" "}
        <span className="font-mono text-xs" title={job.workflowPath}>
          {file}
        </span>{" "}
        <span className="text-slate-500">·</span> job <span className="font-mono text-xs">{job.jobKey}</span>{" "}
        <span className="text-xs text-slate-500">line {job.line}</span>
      </Link>
    </li>
  );
}

/** The jobs of a row: the first few shown, the rest behind a disclosure (keyboard-operable). */
export function JobList({ jobs, total, orgSlug, moreHref }: { jobs: JobRefDto[]; total: number; orgSlug: string; moreHref?: string }) {
  if (total === 0) return <span className="text-slate-500">none</span>;
  const shown = jobs.slice(0, 3);
  const rest = jobs.slice(3);
  const beyond = total - jobs.length;
  return (
    <div className="min-w-64">
      <ul className="space-y-0.5">
        {shown.map((j) => (
          <JobItem key={`${j.repository}|${j.workflowPath}|${j.jobKey}`} job={j} orgSlug={orgSlug} />
        ))}
      </ul>
      {rest.length > 0 ? (
        <details className="mt-1">
          <summary className="cursor-pointer text-blue-800 underline">{rest.length + Math.max(0, beyond)} more</summary>
          <ul className="mt-1 space-y-0.5">
            {rest.map((j) => (
              <JobItem key={`${j.repository}|${j.workflowPath}|${j.jobKey}`} job={j} orgSlug={orgSlug} />
            ))}
          </ul>
        </details>
      ) : null}
      {beyond > 0 && moreHref ? (
        <Link href={moreHref} className="mt-1 inline-block text-blue-800 underline">
          All {total} jobs in Workflows
        </Link>
      ) : null}
    </div>
  );
}

export function OwnerList({ owners, emptyText = "unowned" }: { owners: OwnerRefDto[]; emptyText?: string }) {
  if (owners.length === 0) return <span className="text-slate-500">{emptyText}</span>;
  return (
    <ul className="space-y-0.5" data-testid="owners">
      {owners.map((o) => (
        <li key={o.owner}>
          <span className="font-medium">{o.owner}</span>
          {o.source ? <span className="ml-1 text-xs text-slate-500">({OWNER_SOURCE_LABELS[o.source] ?? o.source})</span> : null}
        </li>
      ))}
    </ul>
  );
}

/**
 * How an identity authenticates. A Kubernetes service account is neither an OIDC exchange nor a
 * static key (its pods get projected, short-lived tokens unless a long-lived token secret exists),
 * and Tekton Chains signs with a key the cluster holds: both say what they are instead.
 */
export function OidcBadge({ oidc, kind }: { oidc: boolean; kind?: string | null }) {
  if (kind === "k8s-service-account") return <Badge tone="neutral">Kubernetes account</Badge>;
  if (kind === "tekton-chains") return <Badge tone="neutral">cluster signing key</Badge>;
  return oidc ? <Badge tone="green">OIDC</Badge> : <Badge tone="amber">static</Badge>;
}

/** "420 days ago" with the date, for rotation ages. */
export function Age({ iso, days }: { iso: string | null; days: number | null }) {
  if (!iso || days === null) return <span className="text-slate-500">—</span>;
  const text = days === 0 ? "today" : days === 1 ? "1 day ago" : days < 60 ? `${days} days ago` : days < 730 ? `${Math.round(days / 30.4)} months ago` : `${(days / 365).toFixed(1)} years ago`;
  return (
    <span className="whitespace-nowrap">
      <span className={days > 365 ? "font-medium text-red-800" : ""}>{text}</span>
      <span className="block font-mono text-xs text-slate-500">{iso.slice(0, 10)}</span>
    </span>
  );
}

/** "1 repository", "3 repositories". */
export const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function EmptyState({ children }: { children: ReactNode }) {
  return <p className="px-4 py-8 text-center text-sm text-slate-600">{children}</p>;
}

export function TabLinks({ tabs, label }: { tabs: { href: string; label: string; current: boolean }[]; label: string }) {
  return (
    <nav aria-label={label} className="mb-4 flex gap-1 border-b border-slate-200">
      {tabs.map((t) => (
        <Link
          key={t.href}
          href={t.href}
          aria-current={t.current ? "page" : undefined}
          className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium ${t.current ? "border-blue-800 text-blue-900" : "border-transparent text-slate-600 hover:text-slate-900"}`}
        >
          {t.label}
        </Link>
      ))}
    </nav>
  );
}
