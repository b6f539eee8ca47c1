import type { ReactNode } from "react";
import { notFound } from "next/navigation";
import { getOrgPageContext } from "@/lib/orgs/page-context";
import { SettingsTab } from "@/components/shell/settings-tab";
import { settingsLinks } from "./links";

export default async function SettingsLayout({ children, params }: { children: ReactNode; params: Promise<{ orgSlug: string }> }) {
  const { orgSlug } = await params;
  const { actor } = await getOrgPageContext(orgSlug);
  const links = settingsLinks(actor);
  if (links.length === 0) notFound();
  return (
    <>
      <nav aria-label="Settings" className="mb-6 flex gap-1 border-b border-slate-200">
        {links.map((l) => (
          <SettingsTab key={l.href} href={l.href}>
            {l.label}
          </SettingsTab>
        ))}
      </nav>
      {children}
    </>
  );
}
