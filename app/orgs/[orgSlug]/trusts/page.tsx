import type { Metadata } from "next";
import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import { requirePagePermission } from "@/lib/orgs/page-context";
import { can } from "@/lib/authz/actor";
import { getDatabase } from "@/lib/db";
import { listTrusts } from "@/lib/trust-sources/trust-sources-repo";
import { PageHeader } from "@/components/ui/page-header";
import { TrustsTable } from "@/components/trust/trusts-table";
import { trustKeys } from "@/components/trust/queries";

export const metadata: Metadata = { title: "Cloud trust" };

export default async function TrustsPage({ params }: { params: Promise<{ orgSlug: string }> }) {
  const { orgSlug } = await params;
  const { actor } = await requirePagePermission(orgSlug, "inventory.read");
  const { db } = await getDatabase();
  const qc = new QueryClient();
  await qc.prefetchQuery({ queryKey: trustKeys.list(actor.orgSlug), queryFn: () => listTrusts(db, actor.orgId) });
  return (
    <>
      <PageHeader
        title="Cloud trust"
        description="Every cloud role, workload identity provider, federated credential and Vault role that trusts GitHub Actions tokens: which jobs use it, which could assume it without using it (over-broad), and whether tokens from outside the organisation are accepted. Most severe findings first."
      />
      <section aria-label="Cloud trusts" className="rounded-lg border border-slate-200 bg-white">
        <HydrationBoundary state={dehydrate(qc)}>
          <TrustsTable orgSlug={actor.orgSlug} settingsHref={can(actor, "trust.manage") ? `/orgs/${actor.orgSlug}/settings/cloud-trust` : null} />
        </HydrationBoundary>
      </section>
    </>
  );
}
