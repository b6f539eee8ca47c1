import { describe, expect, it } from "vitest";
import { revokeOlderSessionsDocument } from "@/lib/cloud/aws/revoke";
import type { RevocationPlan } from "@/lib/cloud/types";
import { revokeOlderSessionsTime } from "./trust-reverify";
import { describePlan } from "./trust-revoke";
import { trustItemResults } from "./trust-actions-record";
import type { TrustOutcome, TrustTarget } from "./trust-revoke";

const plan = (over: Partial<RevocationPlan> = {}): RevocationPlan => ({
  provider: "aws",
  trustId: "arn:aws:iam::1:role/r",
  summary: "Denies every action…",
  calls: [{ action: "iam:PutRolePolicy", target: "arn:aws:iam::1:role/r", body: { RoleName: "r", PolicyName: "AWSRevokeOlderSessions", PolicyDocument: revokeOlderSessionsDocument(new Date("2026-12-06T15:00:00.200Z")) } }],
  previous: null,
  commands: ["aws iam put-role-policy …"],
  ...over,
});

describe("revokeOlderSessionsTime", () => {
  it("reads the instant from AWS's document (object or array Statement), null for anything else", () => {
    expect(revokeOlderSessionsTime(revokeOlderSessionsDocument(new Date("2026-12-06T15:00:00.200Z")))?.toISOString()).toBe("2026-12-06T15:00:01.000Z");
    expect(revokeOlderSessionsTime({ Statement: [{ Effect: "Allow", Action: "*", Condition: { DateLessThan: { "aws:TokenIssueTime": "2026-12-06T15:00:00Z" } } }, { Effect: "Deny", Action: "*", Condition: { DateLessThan: { "aws:TokenIssueTime": "2026-12-06T16:00:00Z" } } }] })?.toISOString()).toBe("2026-12-06T16:00:00.000Z");
    expect(revokeOlderSessionsTime(null)).toBeNull();
    expect(revokeOlderSessionsTime({ Statement: { Effect: "Deny", Action: "s3:*", Condition: { DateLessThan: { "aws:TokenIssueTime": "2026-12-06T16:00:00Z" } } } })).toBeNull();
    expect(revokeOlderSessionsTime({ Statement: { Effect: "Deny", Action: "*", Condition: { DateLessThan: { "aws:TokenIssueTime": "yesterday" } } } })).toBeNull();
  });
});

describe("describePlan", () => {
  it("shows each call's exact document, and for AWS why the timestamp is the moment of revocation", () => {
    const text = describePlan(plan());
    expect(text).toContain("iam:PutRolePolicy arn:aws:iam::1:role/r");
    expect(text).toContain('"aws:TokenIssueTime": "2026-12-06T15:00:01Z"');
    expect(text).toContain("moment of revocation, not the incident's start");
    expect(describePlan(plan({ provider: "vault", calls: [] }))).toBe("Denies every action…\nNothing to change: the trust is revoked already.");
  });
});

describe("trustItemResults", () => {
  const target = (itemId: string): TrustTarget => ({ itemId, label: `Revoke ${itemId}`, command: null, trusts: [], revocations: [] });
  const outcome = (itemId: string, mode: TrustOutcome["mode"]): TrustOutcome => ({ itemId, trust: null, mode, plan: plan(), result: null, message: mode });
  it("an item is as bad as its worst trust; manual items list no calls", () => {
    const r = trustItemResults([target("a"), target("b"), target("c")], [outcome("a", "applied"), outcome("a", "failed"), outcome("b", "manual"), outcome("c", "applied")]);
    expect(r.map((x) => x.status)).toEqual(["failed", "manual", "done"]);
    expect(r[1]!.calls).toEqual([]);
    expect(r[2]!.calls).toEqual([{ method: "iam:PutRolePolicy", path: "arn:aws:iam::1:role/r" }]);
  });
});
