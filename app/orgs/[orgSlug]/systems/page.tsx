import type { Metadata } from "next";
import { requirePagePermission } from "@/lib/orgs/page-context";
import { getDatabase } from "@/lib/db";
import { parseFilters, SYSTEM_GROUPS, SystemFiltersSchema, toSearch } from "@/lib/inventory/credentials-schema";
import { SYSTEM_GROUP_LABELS } from "@/lib/inventory/credentials-labels";
import { listSystems } from "@/lib/inventory/systems-repo";
import { PageHeader } from "@/components/ui/page-header";
import { Alert } from "@/components/ui/alert";
import { Field, fieldClass, FilterForm, Pagination } from "@/components/inventory/inventory-parts";
import { SystemsList } from "@/components/inventory/systems-list";

export const metadata: Metadata = { title: "External systems" };

type Search = Record<string, string | string[] | undefined>;

export default async function SystemsPage({ params, searchParams }: { params: Promise<{ orgSlug: string }>; searchParams: Promise<Search> }) {
  const { orgSlug } = await params;
  const { actor } = await requirePagePermission(orgSlug, "inventory.read");
  const { filters, ignored } = parseFilters(SystemFiltersSchema, await searchParams);
  const { db } = await getDatabase();
  const page = await listSystems(db, actor.orgId, filters);
  const base = `/orgs/${actor.orgSlug}/systems`;
  return (
    <>
      <PageHeader
        title="External systems"
        description="Everything the organisation's jobs reach outside GitHub — cloud accounts, registries, clusters, Vault, SaaS — with the jobs that reach each and the credentials they use."
      />
      {ignored.length > 0 ? <Alert>Ignored filters that were not understood: {ignored.join(", ")}.</Alert> : null}
      <FilterForm action={base} label="Filter systems" clearHref={base}>
        <Field label="Identifier contains">
          <input name="q" type="search" defaultValue={filters.q ?? ""} placeholder="account id, registry, cluster…" className={`${fieldClass} min-w-64`} />
        </Field>
        <Field label="Kind">
          <select name="group" defaultValue={filters.group ?? ""} className={fieldClass}>
            <option value="">All kinds</option>
            {SYSTEM_GROUPS.map((g) => (
              <option key={g} value={g}>
                {SYSTEM_GROUP_LABELS[g]}
              </option>
            ))}
          </select>
        </Field>
      </FilterForm>
      <section aria-label="External systems" className="mt-4 rounded-lg border border-slate-200 bg-white">
        <SystemsList page={page} orgSlug={actor.orgSlug} />
        <Pagination total={page.total} page={page.page} size={page.size} hrefFor={(p) => `${base}${toSearch({ q: filters.q, group: filters.group, size: filters.size, page: p })}`} noun="systems" />
      </section>
    </>
  );
}
