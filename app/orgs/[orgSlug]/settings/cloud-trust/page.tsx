import type { Metadata } from "next";
import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import { requirePagePermission } from "@/lib/orgs/page-context";
import { getDatabase } from "@/lib/db";
import { listTrustSources } from "@/lib/trust-sources/trust-sources-repo";
import { PageHeader } from "@/components/ui/page-header";
import { TrustSourcesPanel } from "@/components/trust/trust-sources-panel";
import { trustKeys } from "@/components/trust/queries";

export const metadata: Metadata = { title: "Cloud trust sources" };

export default async function CloudTrustSettingsPage({ params }: { params: Promise<{ orgSlug: string }> }) {
  const { orgSlug } = await params;
  const { actor } = await requirePagePermission(orgSlug, "trust.manage");
  const { db } = await getDatabase();
  const qc = new QueryClient();
  await qc.prefetchQuery({ queryKey: trustKeys.sources(actor.orgSlug), queryFn: () => listTrustSources(db, actor.orgId) });
  return (
    <>
      <PageHeader
        title="Cloud trust sources"
        description="Where Gatehouse reads which AWS roles, Google Cloud workload identity providers, Entra federated credentials and Vault JWT roles trust GitHub Actions tokens: an exported file, or a read-only API connection re-read on every sync. Each read is evaluated against every job of the inventory. A source whose read fails keeps its previous trusts and says why."
      />
      <HydrationBoundary state={dehydrate(qc)}>
        <TrustSourcesPanel orgSlug={actor.orgSlug} />
      </HydrationBoundary>
    </>
  );
}
