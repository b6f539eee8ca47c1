import type { Metadata } from "next";
import Link from "next/link";
import { requirePagePermission } from "@/lib/orgs/page-context";
import { getDatabase } from "@/lib/db";
import { can } from "@/lib/authz/actor";
import { listRepositories } from "@/lib/inventory/repositories-repo";
import { findConnection } from "@/lib/connections/connection-repo";
import { PageHeader } from "@/components/ui/page-header";
import { Alert } from "@/components/ui/alert";
import { RepositoriesTable } from "@/components/inventory/repositories-table";
import { SyncPanel } from "@/components/github/sync-panel";

export const metadata: Metadata = { title: "Repositories" };

export default async function RepositoriesPage({ params }: { params: Promise<{ orgSlug: string }> }) {
  const { orgSlug } = await params;
  const { actor } = await requirePagePermission(orgSlug, "inventory.read");
  const { db } = await getDatabase();
  const [repos, connection] = await Promise.all([listRepositories(db, actor.orgId), findConnection(db, actor.orgId)]);
  const stale = repos.filter((r) => r.staleReason).length;
  return (
    <>
      <PageHeader
        title="Repositories"
        description={`${repos.length} repositories of ${actor.orgSlug}, with their workflows, jobs and open findings.${stale > 0 ? ` ${stale} kept their previous snapshot after a failed sync.` : ""}`}
      />
      <div className="space-y-6">
        {connection ? (
          <SyncPanel orgSlug={actor.orgSlug} canSync={can(actor, "sync.run")} />
        ) : (
          <Alert tone="info">
            {actor.orgSlug} is not connected to GitHub yet.{" "}
            {can(actor, "connection.manage") ? (
              <Link href={`/orgs/${actor.orgSlug}/settings/github`} className="font-medium underline">
                Connect it
              </Link>
            ) : (
              "An admin connects it on Settings → GitHub."
            )}
          </Alert>
        )}
        {repos.length > 0 ? <RepositoriesTable repos={repos} /> : <p className="text-sm text-slate-600">No repositories synced yet.</p>}
      </div>
    </>
  );
}
