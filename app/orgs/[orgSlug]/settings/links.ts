import { can, type Actor } from "@/lib/authz/actor";

/** The settings pages the actor may open, in the order the tabs show them. */
export function settingsLinks(actor: Actor): { href: string; label: string }[] {
  const base = `/orgs/${actor.orgSlug}/settings`;
  return [
    can(actor, "connection.manage") ? { href: `${base}/github`, label: "GitHub" } : null,
    can(actor, "connection.manage") ? { href: `${base}/pipelines`, label: "Pipelines" } : null,
    can(actor, "trust.manage") ? { href: `${base}/cloud-trust`, label: "Cloud trust" } : null,
    can(actor, "member.read") ? { href: `${base}/members`, label: "Members" } : null,
    can(actor, "audit.read") ? { href: `${base}/audit`, label: "Audit log" } : null,
  ].filter((l): l is { href: string; label: string } => l !== null);
}
