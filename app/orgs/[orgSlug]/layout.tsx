import Link from "next/link";
import type { ReactNode } from "react";
import { getOrgPageContext } from "@/lib/orgs/page-context";
import { can } from "@/lib/authz/actor";
import { NavLink } from "@/components/shell/nav-link";
import { OrgSwitcher } from "@/components/shell/org-switcher";
import { UserMenu } from "@/components/shell/user-menu";
import { getDatabase } from "@/lib/db";
import { countOpenIncidents } from "@/lib/incidents/incident-counts";
import { settingsLinks } from "./settings/links";

export default async function OrgLayout({ children, params }: { children: ReactNode; params: Promise<{ orgSlug: string }> }) {
  const { orgSlug } = await params;
  const { actor, orgs } = await getOrgPageContext(orgSlug);
  const base = `/orgs/${actor.orgSlug}`;
  const settings = settingsLinks(actor);
  const settingsHref = settings[0]?.href ?? null;
  const openIncidents = can(actor, "incident.read") ? await countOpenIncidents((await getDatabase()).db, actor.orgId) : null;
  return (
    <div className="min-h-screen">
      <header className="bg-slate-900 text-white">
        {/* Two rows on purpose: who and where on the first, the sections on a line of their own (they no longer fit beside them). */}
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-2">
          <Link href={base} className="text-lg font-semibold tracking-tight">
            Gatehouse
          </Link>
          <OrgSwitcher current={actor.orgSlug} orgs={orgs} />
          <div className="ml-auto">
            <UserMenu name={actor.user.name} email={actor.user.email} role={actor.role} />
          </div>
          <nav aria-label="Main" className="flex w-full flex-wrap gap-1">
            <NavLink href={base} exact>
              Overview
            </NavLink>
            {openIncidents !== null ? (
              <NavLink href={`${base}/incidents`} count={openIncidents}>
                Incidents
              </NavLink>
            ) : null}
            {can(actor, "finding.read") ? <NavLink href={`${base}/review`}>Review</NavLink> : null}
            {can(actor, "inventory.read") ? <NavLink href={`${base}/workflows`}>Workflows</NavLink> : null}
            {can(actor, "inventory.read") ? <NavLink href={`${base}/secrets`}>Secrets</NavLink> : null}
            {can(actor, "inventory.read") ? <NavLink href={`${base}/systems`}>Systems</NavLink> : null}
            {can(actor, "inventory.read") ? <NavLink href={`${base}/trusts`}>Cloud trust</NavLink> : null}
            {can(actor, "inventory.read") ? <NavLink href={`${base}/owners`}>Owners</NavLink> : null}
            {can(actor, "inventory.read") ? <NavLink href={`${base}/blast-radius`}>Blast radius</NavLink> : null}
            {can(actor, "inventory.read") ? <NavLink href={`${base}/repositories`}>Repositories</NavLink> : null}
            {settingsHref ? <NavLink href={settingsHref} activePrefix={`${base}/settings`}>Settings</NavLink> : null}
          </nav>
        </div>
      </header>
      <main className="mx-auto max-w-7xl px-4 py-8">{children}</main>
    </div>
  );
}
