import type { Metadata } from "next";
import Link from "next/link";
import { requirePagePermission } from "@/lib/orgs/page-context";
import { getDatabase } from "@/lib/db";
import { ListAuditSchema } from "@/lib/audit/audit-schema";
import { listAuditActions, listAuditEvents } from "@/lib/audit/audit-repo";
import { PageHeader } from "@/components/ui/page-header";
import { Alert } from "@/components/ui/alert";
import { AuditTable } from "@/components/audit/audit-table";

export const metadata: Metadata = { title: "Audit log" };

type Search = Record<string, string | string[] | undefined>;

export default async function AuditPage({ params, searchParams }: { params: Promise<{ orgSlug: string }>; searchParams: Promise<Search> }) {
  const { orgSlug } = await params;
  const { actor } = await requirePagePermission(orgSlug, "audit.read");
  const raw = Object.fromEntries(Object.entries(await searchParams).filter(([, v]) => typeof v === "string" && v !== ""));
  const parsed = ListAuditSchema.safeParse({ ...raw, orgSlug: actor.orgSlug });
  const filters = parsed.success ? parsed.data : { orgSlug: actor.orgSlug };
  const { db } = await getDatabase();
  const [page, actions] = await Promise.all([listAuditEvents(db, actor.orgId, filters), listAuditActions(db, actor.orgId)]);
  const base = `/orgs/${actor.orgSlug}/settings/audit`;
  const next = new URLSearchParams(Object.entries(raw) as [string, string][]);
  if (page.nextBefore) next.set("before", String(page.nextBefore));
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change made through Gatehouse and every refused attempt, newest first. The log is append-only: the database refuses to edit or delete it."
      />
      {!parsed.success ? <Alert>Some filters were not understood and were ignored.</Alert> : null}
      <form method="get" action={base} className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 text-sm">
        <label className="flex flex-col gap-1">
          <span className="font-medium">Action</span>
          <select name="action" defaultValue={filters.action ?? ""} className="rounded-md border border-slate-300 px-2 py-1.5">
            <option value="">All actions</option>
            {actions.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1">
          <span className="font-medium">Actor email contains</span>
          <input name="actor" defaultValue={filters.actor ?? ""} className="rounded-md border border-slate-300 px-2 py-1.5" />
        </label>
        <label className="flex flex-col gap-1">
          <span className="font-medium">Outcome</span>
          <select name="outcome" defaultValue={filters.outcome ?? ""} className="rounded-md border border-slate-300 px-2 py-1.5">
            <option value="">Any outcome</option>
            <option value="success">Success</option>
            <option value="denied">Denied</option>
            <option value="failure">Failure</option>
          </select>
        </label>
        <button type="submit" className="rounded-md bg-blue-800 px-3 py-1.5 font-medium text-white hover:bg-blue-900">
          Filter
        </button>
        <Link href={base} className="px-2 py-1.5 text-blue-800 underline">
          Clear
        </Link>
      </form>
      <section aria-label="Audit events" className="mt-4 rounded-lg border border-slate-200 bg-white p-4">
        <AuditTable events={page.events} />
        {page.nextBefore ? (
          <Link href={`${base}?${next.toString()}`} className="mt-4 inline-block text-sm font-medium text-blue-800 underline">
            Older events
          </Link>
        ) : null}
      </section>
    </>
  );
}
