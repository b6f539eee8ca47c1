import type { Metadata } from "next";
import Link from "next/link";
import { getOrgPageContext } from "@/lib/orgs/page-context";
import { getDatabase } from "@/lib/db";
import { can } from "@/lib/authz/actor";
import { ROLE_GRANTS, ROLE_LABELS } from "@/lib/authz/roles";
import { PERMISSION_LABELS } from "@/lib/authz/permission-labels";
import { countMembers } from "@/lib/members/members-repo";
import { listAuditEvents } from "@/lib/audit/audit-repo";
import { PageHeader } from "@/components/ui/page-header";
import { RoleBadge } from "@/components/members/role-badge";
import { AuditTable } from "@/components/audit/audit-table";

export const metadata: Metadata = { title: "Overview" };

export default async function OrgOverviewPage({ params }: { params: Promise<{ orgSlug: string }> }) {
  const { orgSlug } = await params;
  const { actor } = await getOrgPageContext(orgSlug);
  const { db } = await getDatabase();
  const [memberCount, recent] = await Promise.all([
    countMembers(db, actor.orgId),
    can(actor, "audit.read") ? listAuditEvents(db, actor.orgId, {}) : Promise.resolve(null),
  ]);
  return (
    <>
      <PageHeader
        title={actor.orgName}
        description={`GitHub organisation ${actor.orgSlug} · ${memberCount} ${memberCount === 1 ? "member" : "members"} in Gatehouse`}
      />
      <div className="grid gap-6 lg:grid-cols-3">
        <section aria-labelledby="role-heading" className="rounded-lg border border-slate-200 bg-white p-5">
          <h2 id="role-heading" className="flex items-center gap-2 font-semibold">
            Your role <RoleBadge role={actor.role} />
          </h2>
          <p className="mt-1 text-sm text-slate-600">As {ROLE_LABELS[actor.role].toLowerCase()} you can:</p>
          <ul className="mt-3 list-disc space-y-1 pl-5 text-sm">
            {ROLE_GRANTS[actor.role].map((p) => (
              <li key={p}>{PERMISSION_LABELS[p]}</li>
            ))}
          </ul>
          {actor.role !== "admin" ? (
            <p className="mt-3 text-sm text-slate-600">An admin of {actor.orgSlug} can change your role.</p>
          ) : null}
        </section>
        <section aria-labelledby="activity-heading" className="rounded-lg border border-slate-200 bg-white p-5 lg:col-span-2">
          <h2 id="activity-heading" className="font-semibold">
            Recent activity
          </h2>
          {recent ? (
            <>
              <AuditTable events={recent.events.slice(0, 8)} compact emptyText="Nothing has been changed through Gatehouse yet." />
              <Link href={`/orgs/${actor.orgSlug}/settings/audit`} className="mt-3 inline-block text-sm font-medium text-blue-800 underline">
                Open the audit log
              </Link>
            </>
          ) : (
            <p className="mt-2 text-sm text-slate-600">The audit log is visible to admins.</p>
          )}
        </section>
      </div>
    </>
  );
}
