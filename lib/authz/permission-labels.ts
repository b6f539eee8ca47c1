import type { Permission } from "./roles";

/** What each permission lets a person do, in the words the UI uses. */
export const PERMISSION_LABELS: Record<Permission, string> = {
  "org.read": "See this organisation",
  "inventory.read": "Browse the credential inventory",
  "finding.read": "Read findings",
  "incident.read": "Follow incidents",
  "finding.triage": "Acknowledge and triage findings",
  "incident.run": "Run incidents: disable workflows, revoke trust, rotate secrets",
  "owner.override": "Override the owner of a credential",
  "sync.run": "Start a sync with GitHub",
  "member.read": "See the members of this organisation",
  "member.manage": "Add and remove members, change roles",
  "audit.read": "Read the audit log",
  "connection.manage": "Connect GitHub and change connections",
  "exception.grant": "Grant exceptions to findings",
};
