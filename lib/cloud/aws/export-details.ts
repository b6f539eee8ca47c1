import type { TrustDetails } from "../types";
import { decodePolicy, summarisePolicy } from "./summary";

// What an uploaded `aws iam get-account-authorization-details` export says about each role
// besides its trust policy: the account (from the ARN) and the permissions summary, in the
// same lines as the API reader's (read.ts): AWS managed policies by name, customer managed ones
// from the export's `Policies` (their default version), inline ones from `RolePolicyList`.
// A `{ "Role": … }` (get-role) export lists no policies: its permissions are not readable. Pure.

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): Json[] => (Array.isArray(v) ? v.map(obj) : []);
const AWS_MANAGED = /^arn:aws[a-z-]*:iam::aws:policy\//;

function safeSummary(document: unknown, prefix: string): string[] {
  try {
    return summarisePolicy(typeof document === "string" ? decodePolicy(document) : document).map((l) => `${prefix}: ${l}`);
  } catch {
    return [`${prefix} (document not readable)`];
  }
}

/** Details keyed by role ARN (Trust.id) for every role in the export; {} for a shape it does not know. */
export function awsExportDetails(content: unknown): Record<string, TrustDetails> {
  const root = obj(content);
  const out: Record<string, TrustDetails> = {};
  const account = (arn: string) => /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(arn)?.[1] ?? null;
  if (Array.isArray(root.RoleDetailList)) {
    const managed = new Map(
      arr(root.Policies).map((p) => {
        const current = arr(p.PolicyVersionList).find((v) => v.VersionId === p.DefaultVersionId || v.IsDefaultVersion === true);
        return [String(p.Arn ?? ""), current?.Document] as const;
      }),
    );
    for (const role of arr(root.RoleDetailList)) {
      const arn = String(role.Arn ?? "");
      if (!arn) continue;
      const lines: string[] = [];
      for (const p of arr(role.AttachedManagedPolicies)) {
        const policyArn = String(p.PolicyArn ?? "");
        const name = String(p.PolicyName ?? policyArn);
        if (AWS_MANAGED.test(policyArn)) lines.push(`${name} (AWS managed)`);
        else if (managed.get(policyArn) !== undefined) lines.push(...safeSummary(managed.get(policyArn), `${name} (managed)`));
        else lines.push(`${name} (managed)`);
      }
      for (const p of arr(role.RolePolicyList)) lines.push(...safeSummary(p.PolicyDocument, `${String(p.PolicyName ?? "policy")} (inline)`));
      out[arn] = { account: account(arn), resource: arn, permissions: lines, permissionsNote: lines.length === 0 ? "no policy is attached to the role in the export" : null };
    }
  } else if (obj(root.Role).Arn) {
    const arn = String(obj(root.Role).Arn);
    out[arn] = { account: account(arn), resource: arn, permissions: [], permissionsNote: "the export (aws iam get-role) does not list the role's policies: upload get-account-authorization-details" };
  }
  return out;
}
