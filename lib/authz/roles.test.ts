import { describe, expect, it } from "vitest";
import { ALL_PERMISSIONS, ROLE_GRANTS, ROLES, roleGrants } from "./roles";

describe("ROLE_GRANTS", () => {
  it("is the reviewed table", () => {
    expect(ROLE_GRANTS).toMatchInlineSnapshot(`
      {
        "admin": [
          "org.read",
          "inventory.read",
          "finding.read",
          "incident.read",
          "finding.triage",
          "review.sign_off",
          "incident.run",
          "owner.override",
          "sync.run",
          "member.read",
          "member.manage",
          "audit.read",
          "connection.manage",
          "exception.grant",
          "report.manage",
          "trust.manage",
          "incident.override",
        ],
        "responder": [
          "org.read",
          "inventory.read",
          "finding.read",
          "incident.read",
          "finding.triage",
          "review.sign_off",
          "incident.run",
          "owner.override",
          "sync.run",
        ],
        "viewer": [
          "org.read",
          "inventory.read",
          "finding.read",
          "incident.read",
        ],
      }
    `);
  });

  it("each role holds everything the role below it holds", () => {
    for (let i = 1; i < ROLES.length; i++) {
      const lower = ROLE_GRANTS[ROLES[i - 1]!];
      const higher = ROLE_GRANTS[ROLES[i]!];
      expect(lower.filter((p) => !higher.includes(p))).toEqual([]);
    }
  });

  it("only admins manage members and read the audit log", () => {
    const holders = (p: (typeof ALL_PERMISSIONS)[number]) => ROLES.filter((r) => roleGrants(r, p));
    expect(holders("member.manage")).toEqual(["admin"]);
    expect(holders("audit.read")).toEqual(["admin"]);
    expect(holders("incident.run")).toEqual(["responder", "admin"]);
    expect(holders("review.sign_off")).toEqual(["responder", "admin"]);
    expect(holders("exception.grant")).toEqual(["admin"]);
  });
});
