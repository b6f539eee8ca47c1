import type { Metadata } from "next";
import Link from "next/link";
import { requirePagePermission } from "@/lib/orgs/page-context";
import { getDatabase } from "@/lib/db";
import { listWorkflows } from "@/lib/inventory/workflows-repo";
import { PHASES, filtersToSearch, parseWorkflowFilters } from "@/lib/inventory/workflows-schema";
import { CI_SYSTEMS } from "@/lib/analysis/ci-system";
import { CI_SYSTEM_LABELS } from "@/components/inventory/ci-system-badge";
import { PageHeader } from "@/components/ui/page-header";
import { Alert } from "@/components/ui/alert";
import { WorkflowsTable } from "@/components/inventory/workflows-table";

export const metadata: Metadata = { title: "Workflows" };

type Search = Record<string, string | string[] | undefined>;

export default async function WorkflowsPage({ params, searchParams }: { params: Promise<{ orgSlug: string }>; searchParams: Promise<Search> }) {
  const { orgSlug } = await params;
  const { actor } = await requirePagePermission(orgSlug, "inventory.read");
  const { filters, ignored } = parseWorkflowFilters(await searchParams);
  const { db } = await getDatabase();
  const page = await listWorkflows(db, actor.orgId, filters);
  const base = `/orgs/${actor.orgSlug}/workflows`;
  const pages = Math.max(1, Math.ceil(page.total / page.size));
  const exportQuery = filtersToSearch({ ...filters, page: undefined, size: undefined, sort: undefined, dir: undefined });
  const input = "rounded-md border border-slate-300 px-2 py-1.5";
  return (
    <>
      <PageHeader
        title="Workflows"
        description="Every workflow with what its jobs hold: token permissions, secrets, identities, the systems they reach, and who owns it. The filters are in the address, so a view can be shared."
        actions={
          <div className="flex gap-2 text-sm" aria-label="Export this view">
            {(["csv", "md", "json"] as const).map((fmt) => (
              <a
                key={fmt}
                href={`/api/v1/orgs/${actor.orgSlug}/export?format=${fmt}${exportQuery ? `&${exportQuery}` : ""}`}
                className="rounded-md border border-slate-300 bg-white px-2 py-1 hover:bg-slate-100"
              >
                Export {fmt.toUpperCase()}
              </a>
            ))}
          </div>
        }
      />
      {ignored.length > 0 ? <Alert>Some filters were not understood and were ignored: {ignored.join(", ")}.</Alert> : null}
      <form method="get" action={base} className="mb-4 flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 text-sm" role="search">
        <label className="flex min-w-56 flex-1 flex-col gap-1">
          <span className="font-medium">Search</span>
          <input name="q" defaultValue={filters.q ?? ""} placeholder="repository, workflow or path" className={input} />
        </label>
        <label className="flex flex-col gap-1">
          <span className="font-medium">Uses secret</span>
          <input name="secret" defaultValue={filters.secret ?? ""} placeholder="NPM_TOKEN" className={`${input} font-mono`} />
        </label>
        <label className="flex flex-col gap-1">
          <span className="font-medium">CI system</span>
          <select name="system" defaultValue={filters.system ?? ""} className={input}>
            <option value="">Any</option>
            {CI_SYSTEMS.map((s) => (
              <option key={s} value={s}>
                {CI_SYSTEM_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1">
          <span className="font-medium">Phase</span>
          <select name="phase" defaultValue={filters.phase ?? ""} className={input}>
            <option value="">Any</option>
            {PHASES.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1">
          <span className="font-medium">Trigger</span>
          <input name="trigger" defaultValue={filters.trigger ?? ""} placeholder="pull_request_target" className={input} />
        </label>
        <label className="flex flex-col gap-1">
          <span className="font-medium">Findings at least</span>
          <select name="severity" defaultValue={filters.severity ?? ""} className={input}>
            <option value="">Any</option>
            <option value="critical">critical</option>
            <option value="high">high</option>
            <option value="medium">medium</option>
            <option value="low">low</option>
          </select>
        </label>
        <label className="flex items-center gap-2 pb-2">
          <input type="checkbox" name="untrusted" value="1" defaultChecked={filters.untrusted === "1"} />
          <span>Untrusted triggers only</span>
        </label>
        <input type="hidden" name="sort" value={filters.sort} />
        <input type="hidden" name="dir" value={filters.dir} />
        <button type="submit" className="rounded-md bg-blue-800 px-3 py-1.5 font-medium text-white hover:bg-blue-900">
          Apply
        </button>
        <Link href={base} className="px-2 py-1.5 text-blue-800 underline">
          Clear
        </Link>
      </form>
      <p className="mb-2 text-sm text-slate-700" aria-live="polite">
        {page.total} {page.total === 1 ? "workflow" : "workflows"}
        {page.total > page.size ? `, page ${page.page} of ${pages}` : ""}
      </p>
      {page.total === 0 ? (
        <p className="rounded-lg border border-slate-200 bg-white p-6 text-sm text-slate-600">No workflow matches this view.</p>
      ) : (
        <WorkflowsTable page={page} filters={filters} base={base} />
      )}
      {pages > 1 ? (
        <nav aria-label="Pages" className="mt-3 flex gap-3 text-sm">
          {page.page > 1 ? <Link href={`${base}?${filtersToSearch({ ...filters, page: page.page - 1 })}`} className="text-blue-800 underline">Previous</Link> : null}
          {page.page < pages ? <Link href={`${base}?${filtersToSearch({ ...filters, page: page.page + 1 })}`} className="text-blue-800 underline">Next</Link> : null}
        </nav>
      ) : null}
    </>
  );
}
