import type { RepositoryListItem } from "@/lib/inventory/repositories-repo";
import { Badge } from "@/components/ui/badge";

export function RepositoriesTable({ repos }: { repos: RepositoryListItem[] }) {
  return (
    <div tabIndex={0} role="region" aria-label="Repositories (scrollable)" className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Repositories and their credential inventory</caption>
        <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-600">
          <tr>
            <th scope="col" className="px-4 py-2">Repository</th>
            <th scope="col" className="px-4 py-2 text-right">Workflows</th>
            <th scope="col" className="px-4 py-2 text-right">Jobs</th>
            <th scope="col" className="px-4 py-2">Open findings</th>
            <th scope="col" className="px-4 py-2">Owner</th>
            <th scope="col" className="px-4 py-2">Last synced (UTC)</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {repos.map((r) => (
            <tr key={r.id} data-testid="repository-row" data-name={r.name}>
              <td className="px-4 py-2">
                <div className="font-medium">{r.fullName}</div>
                <div className="flex gap-1 text-xs text-slate-600">
                  <span>{r.visibility}</span>
                  {r.archived ? <Badge>archived</Badge> : null}
                </div>
              </td>
              <td className="px-4 py-2 text-right font-mono">{r.workflows}</td>
              <td className="px-4 py-2 text-right font-mono">{r.jobs}</td>
              <td className="px-4 py-2">
                <span className="flex flex-wrap gap-1">
                  {r.critical > 0 ? <Badge tone="red">{r.critical} critical</Badge> : null}
                  {r.high > 0 ? <Badge tone="amber">{r.high} high</Badge> : null}
                  <span className="text-slate-700">{r.openFindings} in all</span>
                </span>
              </td>
              <td className="px-4 py-2">
                {r.owner ?? <span className="text-slate-500">unowned</span>}
                {r.ownerSource ? <div className="text-xs text-slate-500">from {r.ownerSource.replace("-", " ")}</div> : null}
              </td>
              <td className="px-4 py-2">
                {r.staleReason ? (
                  <span className="text-red-800" title={r.staleReason}>
                    stale: {r.staleReason}
                  </span>
                ) : r.syncedAt ? (
                  <span className="font-mono text-xs">{r.syncedAt.replace("T", " ").slice(0, 19)}</span>
                ) : (
                  "never"
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
