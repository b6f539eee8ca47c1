import type { AuditEventDto } from "@/lib/audit/audit-repo";

/** One line saying what happened, for the audit table's Details column. */
export function describeAuditEvent(e: Pick<AuditEventDto, "action" | "outcome" | "metadata" | "targetLabel">): string {
  const m = e.metadata;
  if (e.outcome === "denied") return describeDenial(m);
  switch (e.action) {
    case "member.add":
      return `added ${String(m.email)} as ${String(m.role)}`;
    case "member.change_role":
      return `changed ${String(m.email)} from ${String(m.from)} to ${String(m.to)}`;
    case "member.remove":
      return `removed ${String(m.email)} (${String(m.role)})`;
    case "member.idp_sync":
      return `role of ${String(m.email)} set from IdP groups: ${String(m.from ?? "none")} → ${String(m.to ?? "none")}`;
    case "member.bootstrap_admin":
      return `${String(m.email)} became admin as a bootstrap admin`;
    default:
      return e.targetLabel ?? "";
  }
}

function describeDenial(m: Record<string, unknown>): string {
  const d = (m.details ?? {}) as Record<string, unknown>;
  const line = (() => {
    switch (m.reason) {
      case "not_member":
        return "was refused: not a member of this organisation";
      case "cross_site":
        return `was refused: sent ${d.origin ? `from ${String(d.origin)}` : "without an Origin"}, not from Gatehouse's own pages`;
      case "foreign_installation":
        return `was refused: installation ${String(d.installationId)} belongs to ${String(d.account)}`;
      case "rate_limited":
        return `more refusals than ${String(d.limit)} a minute: the next ones are counted, not recorded, until ${String(d.resumesAt).slice(11, 19)} UTC`;
      default:
        return `was refused (needs ${String(m.permission)})`;
    }
  })();
  return typeof m.suppressed === "number" ? `${line} (${m.suppressed} earlier refusals went unrecorded)` : line;
}
