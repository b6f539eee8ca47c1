import type { Metadata } from "next";
import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import { requirePagePermission } from "@/lib/orgs/page-context";
import { getDatabase } from "@/lib/db";
import { listMembers } from "@/lib/members/members-repo";
import { PageHeader } from "@/components/ui/page-header";
import { MembersPanel } from "@/components/members/members-panel";
import { memberKeys } from "@/components/members/queries";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage({ params }: { params: Promise<{ orgSlug: string }> }) {
  const { orgSlug } = await params;
  const { actor } = await requirePagePermission(orgSlug, "member.read");
  const { db } = await getDatabase();
  const qc = new QueryClient();
  await qc.prefetchQuery({ queryKey: memberKeys.list(actor.orgSlug), queryFn: () => listMembers(db, actor.orgId) });
  return (
    <>
      <PageHeader
        title="Members"
        description="Who can use Gatehouse for this organisation, and with which role. Viewers browse; responders also run incidents and triage findings; admins also manage members, connections and exceptions. Every change is audited."
      />
      <HydrationBoundary state={dehydrate(qc)}>
        <MembersPanel orgSlug={actor.orgSlug} selfEmail={actor.user.email} />
      </HydrationBoundary>
    </>
  );
}
