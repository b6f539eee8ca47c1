import Link from "next/link";
import type { WorkflowPage } from "@/lib/inventory/workflows-repo";
import { filtersToSearch, type WorkflowFilters } from "@/lib/inventory/workflows-schema";
import { Badge } from "@/components/ui/badge";
import { PhaseBadge } from "./phase-badge";
import { CiSystemBadge } from "./ci-system-badge";
import { FindingsBadges } from "./findings-badges";

const TOKEN_TONE = { "write-all": "red", write: "amber", default: "amber", read: "green", none: "green" } as const;

function SortHeader({ label, sort, filters, base }: { label: string; sort: WorkflowFilters["sort"]; filters: WorkflowFilters; base: string }) {
  const active = filters.sort === sort;
  const dir = active && filters.dir === "asc" ? "desc" : "asc";
  return (
    <th scope="col" className="px-3 py-2" aria-sort={active ? (filters.dir === "asc" ? "ascending" : "descending") : "none"}>
      <Link href={`${base}?${filtersToSearch({ ...filters, sort, dir, page: 1 })}`} className="underline-offset-2 hover:underline">
        {label}
        {active ? (filters.dir === "asc" ? " ▲" : " ▼") : ""}
      </Link>
    </th>
  );
}

const more = (list: string[], n = 3) => (list.length > n ? `${list.slice(0, n).join(", ")} +${list.length - n}` : list.join(", "));

export function WorkflowsTable({ page, filters, base }: { page: WorkflowPage; filters: WorkflowFilters; base: string }) {
  return (
    <div tabIndex={0} role="region" aria-label="Workflows (scrollable)" className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Workflows with their credentials, systems and owners</caption>
        <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-600">
          <tr>
            <SortHeader label="Repository" sort="repository" filters={filters} base={base} />
            <SortHeader label="Workflow" sort="workflow" filters={filters} base={base} />
            <th scope="col" className="px-3 py-2">Triggers</th>
            <th scope="col" className="px-3 py-2">Phase</th>
            <th scope="col" className="px-3 py-2">Token</th>
            <SortHeader label="Secrets" sort="secrets" filters={filters} base={base} />
            <th scope="col" className="px-3 py-2">Identities · systems</th>
            <th scope="col" className="px-3 py-2">Owner</th>
            <SortHeader label="Findings" sort="findings" filters={filters} base={base} />
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 align-top">
          {page.rows.map((w) => (
            <tr key={w.id} data-testid="workflow-row">
              <td className="px-3 py-2 whitespace-nowrap">{w.repository}</td>
              <td className="px-3 py-2">
                <Link href={`${base}/${w.id}`} className="font-medium text-blue-800 underline-offset-2 hover:underline">
                  {w.name ?? w.path.split("/").pop()}
                </Link>
                <div className="font-mono text-xs text-slate-600">{w.path}</div>
                {w.system !== "github-actions" ? <CiSystemBadge system={w.system} /> : null}
                {w.parseError ? <div className="text-xs text-red-800">not analysed: {w.parseError}</div> : null}
                {w.state && w.state !== "active" ? <Badge>{w.state.replace(/_/g, " ")}</Badge> : null}
              </td>
              <td className="px-3 py-2">
                <div className="text-xs">{more(w.triggers, 4)}</div>
                {w.untrustedTriggers.length > 0 ? <Badge tone="red">untrusted: {w.untrustedTriggers.join(", ")}</Badge> : null}
              </td>
              <td className="px-3 py-2">
                <PhaseBadge phase={w.phase} />
              </td>
              <td className="px-3 py-2">
                {w.system === "github-actions" ? <Badge tone={TOKEN_TONE[w.token]}>{w.token}</Badge> : <span className="text-xs text-slate-500">no GITHUB_TOKEN</span>}
                {w.idToken ? (
                  <div className="mt-1">
                    <Badge tone="blue">id-token</Badge>
                  </div>
                ) : null}
              </td>
              <td className="px-3 py-2 font-mono text-xs">{w.secrets.length > 0 ? more(w.secrets) : <span className="font-sans text-slate-500">none</span>}</td>
              <td className="px-3 py-2 text-xs">
                {w.identities.map((i) => (
                  <div key={`${i.kind}|${i.id}`}>
                    {i.kind}
                    {i.id ? <span className="font-mono text-slate-600"> {i.id}</span> : null}
                    {i.oidc ? " (OIDC)" : ""}
                  </div>
                ))}
                {w.systems.length > 0 ? <div className="text-slate-600">→ {more(w.systems.map((s) => (s.id ? `${s.kind}:${s.id}` : s.kind)), 2)}</div> : null}
              </td>
              <td className="px-3 py-2 text-xs">{w.owner ?? <span className="text-slate-500">unowned</span>}</td>
              <td className="px-3 py-2">
                <FindingsBadges counts={w.findings} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
