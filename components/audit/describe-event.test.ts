import { describe, expect, it } from "vitest";
import { describeAuditEvent } from "./describe-event";

const denied = (action: string, metadata: Record<string, unknown>) => ({ action, outcome: "denied" as const, metadata, targetLabel: null });

describe("audit event details", () => {
  it("a refused write says why, not what it would have done", () => {
    expect(describeAuditEvent(denied("member.add", { reason: "permission", permission: "member.manage" }))).toBe("was refused (needs member.manage)");
    expect(describeAuditEvent(denied("member.add", { reason: "cross_site", details: { origin: "https://evil.example" } }))).toBe(
      "was refused: sent from https://evil.example, not from Gatehouse's own pages",
    );
    expect(describeAuditEvent(denied("page.view", { reason: "not_member", suppressed: 4 }))).toBe("was refused: not a member of this organisation (4 earlier refusals went unrecorded)");
    expect(describeAuditEvent(denied("connection.connect", { reason: "foreign_installation", details: { installationId: 7, account: "acme" } }))).toBe(
      "was refused: installation 7 belongs to acme",
    );
  });

  it("successes describe the change", () => {
    expect(describeAuditEvent({ action: "member.add", outcome: "success", metadata: { email: "a@b.test", role: "viewer" }, targetLabel: null })).toBe("added a@b.test as viewer");
  });
});
