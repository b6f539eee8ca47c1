import type { Metadata } from "next";
import { requirePagePermission } from "@/lib/orgs/page-context";
import { getDatabase } from "@/lib/db";
import { can } from "@/lib/authz/actor";
import { OwnerFiltersSchema, parseFilters, toSearch } from "@/lib/inventory/credentials-schema";
import { listOwners } from "@/lib/inventory/owners-repo";
import { PageHeader } from "@/components/ui/page-header";
import { Alert } from "@/components/ui/alert";
import { Field, fieldClass, FilterForm, Pagination } from "@/components/inventory/inventory-parts";
import { OwnersList, UnownedList } from "@/components/inventory/owners-list";

export const metadata: Metadata = { title: "Owners" };

type Search = Record<string, string | string[] | undefined>;

export default async function OwnersPage({ params, searchParams }: { params: Promise<{ orgSlug: string }>; searchParams: Promise<Search> }) {
  const { orgSlug } = await params;
  const { actor } = await requirePagePermission(orgSlug, "inventory.read");
  const { filters, ignored } = parseFilters(OwnerFiltersSchema, await searchParams);
  const { db } = await getDatabase();
  const page = await listOwners(db, actor.orgId, filters);
  const base = `/orgs/${actor.orgSlug}/owners`;
  const canOverride = can(actor, "owner.override");
  return (
    <>
      <PageHeader
        title="Owners"
        description={`Per team or person: the repositories and workflows they own (from CODEOWNERS, a custom property, the admin teams, or set by hand) and the secrets they would rotate.${canOverride ? " Owners set by hand survive every sync and are audited." : " Responders and admins can set owners by hand."}`}
      />
      {ignored.length > 0 ? <Alert>Ignored filters that were not understood: {ignored.join(", ")}.</Alert> : null}
      <FilterForm action={base} label="Filter owners" clearHref={base}>
        <Field label="Owner contains">
          <input name="q" type="search" defaultValue={filters.q ?? ""} placeholder="@acme/platform" className={`${fieldClass} min-w-64`} />
        </Field>
      </FilterForm>
      <section aria-label="Owners" className="mt-4 rounded-lg border border-slate-200 bg-white">
        <OwnersList page={page} orgSlug={actor.orgSlug} canOverride={canOverride} />
        <Pagination total={page.total} page={page.page} size={page.size} hrefFor={(p) => `${base}${toSearch({ q: filters.q, size: filters.size, page: p })}`} noun="owners" />
      </section>
      {filters.q ? null : <UnownedList items={page.unowned} total={page.unownedTotal} orgSlug={actor.orgSlug} canOverride={canOverride} />}
    </>
  );
}
