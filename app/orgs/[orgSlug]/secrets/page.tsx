import type { Metadata } from "next";
import { requirePagePermission } from "@/lib/orgs/page-context";
import { can } from "@/lib/authz/actor";
import { getDatabase } from "@/lib/db";
import { IdentityFiltersSchema, parseFilters, SECRET_FLAGS, SECRET_SCOPES, SecretFiltersSchema, toSearch } from "@/lib/inventory/credentials-schema";
import { SECRET_FLAG_LABELS, identityLabel } from "@/lib/inventory/credentials-labels";
import { listSecrets } from "@/lib/inventory/secrets-repo";
import { listIdentities, listIdentityKinds } from "@/lib/inventory/identities-repo";
import { identityTrustLinks } from "@/lib/trust-sources/trust-sources-repo";
import { PageHeader } from "@/components/ui/page-header";
import { Alert } from "@/components/ui/alert";
import { Field, fieldClass, FilterForm, Pagination, TabLinks } from "@/components/inventory/inventory-parts";
import { SecretsTable } from "@/components/inventory/secrets-table";
import { IdentitiesTable } from "@/components/inventory/identities-table";

export const metadata: Metadata = { title: "Secrets and identities" };

type Search = Record<string, string | string[] | undefined>;

export default async function SecretsPage({ params, searchParams }: { params: Promise<{ orgSlug: string }>; searchParams: Promise<Search> }) {
  const { orgSlug } = await params;
  const { actor } = await requirePagePermission(orgSlug, "inventory.read");
  const search = await searchParams;
  const tab = search.tab === "identities" ? "identities" : "secrets";
  const base = `/orgs/${actor.orgSlug}/secrets`;
  const tabs = (
    <TabLinks
      label="Secrets or identities"
      tabs={[
        { href: base, label: "Secrets", current: tab === "secrets" },
        { href: `${base}?tab=identities`, label: "Identities", current: tab === "identities" },
      ]}
    />
  );
  const header = (
    <PageHeader
      title="Secrets and identities"
      description="Every secret at every scope with who can read it, the jobs that reference it, when it was last rotated and who rotates it; and every identity jobs assume, OIDC or static."
    />
  );
  const { db } = await getDatabase();

  if (tab === "identities") {
    const { filters, ignored } = parseFilters(IdentityFiltersSchema, search);
    const [page, kinds, trustLinks] = await Promise.all([listIdentities(db, actor.orgId, filters), listIdentityKinds(db, actor.orgId), identityTrustLinks(db, actor.orgId)]);
    const href = (p: number) => `${base}${toSearch({ tab: "identities", q: filters.q, kind: filters.kind, auth: filters.auth, size: filters.size, page: p })}`;
    return (
      <>
        {header}
        {tabs}
        {ignored.length > 0 ? <Alert>Ignored filters that were not understood: {ignored.join(", ")}.</Alert> : null}
        <FilterForm action={base} label="Filter identities" clearHref={`${base}?tab=identities`}>
          <input type="hidden" name="tab" value="identities" />
          <Field label="Identifier contains">
            <input name="q" type="search" defaultValue={filters.q ?? ""} placeholder="role ARN, service account…" className={`${fieldClass} min-w-64`} />
          </Field>
          <Field label="Kind">
            <select name="kind" defaultValue={filters.kind ?? ""} className={fieldClass}>
              <option value="">Any kind</option>
              {kinds.map((k) => (
                <option key={k} value={k}>
                  {identityLabel(k)}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Authentication">
            <select name="auth" defaultValue={filters.auth ?? ""} className={fieldClass}>
              <option value="">OIDC or static</option>
              <option value="oidc">OIDC (short-lived)</option>
              <option value="static">Static (long-lived)</option>
            </select>
          </Field>
        </FilterForm>
        <section aria-label="Identities" className="mt-4 rounded-lg border border-slate-200 bg-white">
          <IdentitiesTable
            page={page}
            orgSlug={actor.orgSlug}
            trustLinks={trustLinks}
            incidentHref={can(actor, "incident.run") ? (identifier) => `/orgs/${actor.orgSlug}/incidents?kind=identity&target=${encodeURIComponent(identifier)}` : undefined}
          />
          <Pagination total={page.total} page={page.page} size={page.size} hrefFor={href} noun="identities" />
        </section>
      </>
    );
  }

  const { filters, ignored } = parseFilters(SecretFiltersSchema, search);
  const page = await listSecrets(db, actor.orgId, filters);
  const href = (p: number) => `${base}${toSearch({ q: filters.q, scope: filters.scope, flag: filters.flag, size: filters.size, page: p })}`;
  return (
    <>
      {header}
      {tabs}
      {ignored.length > 0 ? <Alert>Ignored filters that were not understood: {ignored.join(", ")}.</Alert> : null}
      <FilterForm action={base} label="Filter secrets" clearHref={base}>
        <Field label="Secret name contains">
          <input name="q" type="search" defaultValue={filters.q ?? ""} placeholder="NPM_TOKEN" className={`${fieldClass} min-w-64`} />
        </Field>
        <Field label="Scope">
          <select name="scope" defaultValue={filters.scope ?? ""} className={fieldClass}>
            <option value="">Any scope</option>
            {SECRET_SCOPES.map((s) => (
              <option key={s} value={s}>
                {s === "org" ? "Organisation" : s === "repo" ? "Repository" : "Environment"}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Flag">
          <select name="flag" defaultValue={filters.flag ?? ""} className={fieldClass}>
            <option value="">Any</option>
            {SECRET_FLAGS.map((f) => (
              <option key={f} value={f}>
                {SECRET_FLAG_LABELS[f]}
              </option>
            ))}
          </select>
        </Field>
      </FilterForm>
      <section aria-label="Secrets" className="mt-4 rounded-lg border border-slate-200 bg-white">
        <SecretsTable page={page} orgSlug={actor.orgSlug} workflowsHref={(name) => `/orgs/${actor.orgSlug}/workflows?secret=${encodeURIComponent(name)}`}
          incidentHref={can(actor, "incident.run") ? (name) => `/orgs/${actor.orgSlug}/incidents?kind=secret&target=${encodeURIComponent(name)}` : undefined}
        />
        <Pagination total={page.total} page={page.page} size={page.size} hrefFor={href} noun="secrets" />
      </section>
    </>
  );
}
