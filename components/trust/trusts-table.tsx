"use client";

import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/inventory/inventory-parts";
import { fetchTrusts, trustKeys } from "./queries";
import { FindingBadges, OutsideBadge, PROVIDER_LABEL } from "./trust-labels";

/** Every trust of the org, most severe findings first; a row links to the trust's page. */
export function TrustsTable({ orgSlug, settingsHref }: { orgSlug: string; settingsHref: string | null }) {
  const q = useQuery({ queryKey: trustKeys.list(orgSlug), queryFn: () => fetchTrusts(orgSlug) });
  if (q.isError) return <Alert>Cloud trusts could not be loaded: {q.error.message}</Alert>;
  if (!q.data) return <p className="p-4 text-sm text-slate-600">Loading cloud trusts…</p>;
  if (q.data.length === 0) {
    return (
      <EmptyState>
        No cloud trust has been read yet.{" "}
        {settingsHref ? (
          <Link href={settingsHref} className="underline">
            Add a trust source
          </Link>
        ) : (
          "An admin adds trust sources in Settings → Cloud trust."
        )}
      </EmptyState>
    );
  }
  return (
    <div tabIndex={0} role="region" aria-label="Cloud trusts (scrollable)" className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Cloud roles and providers that trust GitHub Actions tokens, with the jobs that use them or could</caption>
        <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-600">
          <tr>
            <th scope="col" className="px-4 py-2">Trust</th>
            <th scope="col" className="px-4 py-2">Account</th>
            <th scope="col" className="px-4 py-2">Findings</th>
            <th scope="col" className="px-4 py-2 text-right">Jobs using it</th>
            <th scope="col" className="px-4 py-2 text-right">Could use it</th>
            <th scope="col" className="px-4 py-2">Outside tokens</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 align-top">
          {q.data.map((t) => (
            <tr key={t.id} data-testid="trust-row" data-name={t.name}>
              <th scope="row" className="px-4 py-2 text-left font-normal">
                <Link href={`/orgs/${orgSlug}/trusts/${t.id}`} className="font-medium text-blue-800 underline">
                  {t.name}
                </Link>
                <div className="mt-0.5 flex items-center gap-1 text-xs text-slate-600">
                  <Badge tone="blue">{PROVIDER_LABEL[t.provider]}</Badge> from {t.sourceName}
                </div>
              </th>
              <td className="px-4 py-2 font-mono text-xs">{t.account ?? "—"}</td>
              <td className="px-4 py-2">
                <FindingBadges findings={t.findings} />
              </td>
              <td className="px-4 py-2 text-right tabular-nums">{t.uses}</td>
              <td className="px-4 py-2 text-right tabular-nums" data-testid="could-use">
                {t.couldUse > 0 ? <Badge tone="amber">{t.couldUse} over-broad</Badge> : t.couldUse}
                {t.unknownUse > 0 ? <div className="text-xs text-slate-500">+{t.unknownUse} unknown</div> : null}
              </td>
              <td className="px-4 py-2">
                <OutsideBadge verdict={t.outsideTokens} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
