import { z } from "zod";
import { parseOrThrow, PolicyError } from "./parse-issues";
import type { AwsCondition, AwsStatement, AwsTrust } from "./types";

// IAM roles from `aws iam get-role` (`{ "Role": … }`) and
// `aws iam get-account-authorization-details` (`{ "RoleDetailList": [ … ] }`). The CLI
// prints trust policies decoded; SDKs that do not decode hand back the URL-encoded JSON
// string (IAM API: policy documents are RFC 3986-encoded), which is accepted too.

const stringOrList = z.union([z.string(), z.array(z.string())]);
const principal = z.union([z.literal("*"), z.record(z.string(), stringOrList)]);
const scalar = z.union([z.string(), z.number(), z.boolean()]);
const statementSchema = z
  .object({
    Effect: z.enum(["Allow", "Deny"]),
    Principal: principal.optional(),
    NotPrincipal: principal.optional(),
    Action: stringOrList.optional(),
    NotAction: stringOrList.optional(),
    Condition: z.record(z.string(), z.record(z.string(), z.union([scalar, z.array(scalar)]))).optional(),
  })
  .loose();
// One statement or a list of them; a single one is reported as Statement[0].
const documentSchema = z.object({ Statement: z.preprocess((v) => (Array.isArray(v) ? v : [v]), z.array(statementSchema)) }).loose();
const roleSchema = z.object({ RoleName: z.string().min(1), Arn: z.string().min(1), AssumeRolePolicyDocument: z.unknown() }).loose();

export const getRoleSchema = z.object({ Role: roleSchema }).loose();
export const authorizationDetailsSchema = z.object({ RoleDetailList: z.array(roleSchema) }).loose();

function list(v: string | string[] | undefined): string[] | null {
  return v === undefined ? null : Array.isArray(v) ? v : [v];
}

function federated(p: z.infer<typeof principal> | undefined): "*" | string[] | null {
  if (p === undefined) return null;
  if (p === "*") return "*";
  const f = p.Federated;
  return f === undefined ? [] : Array.isArray(f) ? f : [f];
}

function document(raw: unknown, at: string): z.infer<typeof documentSchema> {
  let value = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw.trimStart().startsWith("{") ? raw : decodeURIComponent(raw));
    } catch {
      throw new PolicyError(`${at}: is a string that is neither JSON nor URL-encoded JSON`);
    }
  }
  return parseOrThrow(documentSchema, value, at);
}

function statements(raw: unknown, at: string): AwsStatement[] {
  return document(raw, at).Statement.map((s) => {
    const conditions: AwsCondition[] = [];
    for (const [operator, keys] of Object.entries(s.Condition ?? {})) {
      for (const [key, value] of Object.entries(keys)) {
        conditions.push({ operator, key, values: (Array.isArray(value) ? value : [value]).map(String) });
      }
    }
    return {
      effect: s.Effect,
      principals: federated(s.Principal),
      notPrincipals: federated(s.NotPrincipal),
      actions: list(s.Action),
      notActions: list(s.NotAction),
      conditions,
    };
  });
}

function toTrust(role: z.infer<typeof roleSchema>, at: string): AwsTrust {
  return { provider: "aws", id: role.Arn, name: role.RoleName, statements: statements(role.AssumeRolePolicyDocument, `${at}.AssumeRolePolicyDocument`) };
}

export function awsFromGetRole(value: unknown): AwsTrust[] {
  const parsed = parseOrThrow(getRoleSchema, value, "");
  return [toTrust(parsed.Role, "Role")];
}

export function awsFromAuthorizationDetails(value: unknown): AwsTrust[] {
  const parsed = parseOrThrow(authorizationDetailsSchema, value, "");
  return parsed.RoleDetailList.map((r, i) => toTrust(r, `RoleDetailList[${i}]`));
}
