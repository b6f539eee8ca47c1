import type { Metadata } from "next";
import { notFound } from "next/navigation";
import Link from "next/link";
import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { requirePagePermission } from "@/lib/orgs/page-context";
import { getDatabase } from "@/lib/db";
import { trustDetail } from "@/lib/trust-sources/trust-sources-repo";
import { PageHeader } from "@/components/ui/page-header";
import { TrustDetail } from "@/components/trust/trust-detail";
import { trustKeys } from "@/components/trust/queries";
import { can } from "@/lib/authz/actor";
import type { TrustDetailDto } from "@/lib/trust-sources/trust-sources-dto";

/** The identifier the inventory gives this trust's identity (identityTrustLinks' keys): an AWS role's ARN, a Vault role's name, else the resource name. */
function identityOf(t: TrustDetailDto): string {
  if (t.provider === "vault") return t.name;
  return t.details?.resource ?? t.externalId;
}

export const metadata: Metadata = { title: "Cloud trust" };

export default async function TrustPage({ params }: { params: Promise<{ orgSlug: string; trustId: string }> }) {
  const { orgSlug, trustId } = await params;
  const { actor } = await requirePagePermission(orgSlug, "inventory.read");
  if (!z.uuid().safeParse(trustId).success) notFound();
  const { db } = await getDatabase();
  const trust = await trustDetail(db, actor.orgId, trustId);
  if (!trust) notFound();
  const qc = new QueryClient();
  qc.setQueryData(trustKeys.detail(actor.orgSlug, trustId), trust);
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href={`/orgs/${actor.orgSlug}/trusts`} className="text-blue-800 underline">
          ← Cloud trust
        </Link>
      </p>
      <PageHeader
        title={trust.name}
        description={`${trust.externalId} — which jobs can present a token this trust accepts, and what to narrow.`}
        actions={
          <Link
            href={`/orgs/${actor.orgSlug}/blast-radius?type=trust&id=${trustId}`}
            className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50"
            data-testid="trust-blast-radius"
          >
            Blast radius
          </Link>
        }
      />
      {can(actor, "incident.run") ? (
        <p className="mb-4 text-sm">
          <Link
            href={`/orgs/${actor.orgSlug}/incidents?kind=identity&target=${encodeURIComponent(identityOf(trust))}`}
            className="text-red-800 underline"
            aria-label={`Start an incident for ${identityOf(trust)}`}
          >
            Start an incident
          </Link>{" "}
          <span className="text-slate-600">— revoke this trust&apos;s sessions from the incident&apos;s checklist (step 2).</span>
        </p>
      ) : null}
      <HydrationBoundary state={dehydrate(qc)}>
        <TrustDetail orgSlug={actor.orgSlug} trustId={trustId} />
      </HydrationBoundary>
    </>
  );
}
