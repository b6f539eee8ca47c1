import { IamError, noSuchRole } from "./errors";
import { checkPolicy } from "./policy-check";
import type { AwsAccount, SimManagedPolicy, SimRole } from "./state";
import { encodePolicy, members, type XmlNode } from "./xml";

// The IAM actions the simulator answers, each as IAM's model describes it (reference
// cloud-trust.md §2.6): request parameters, the `<XResult>` members, modeled errors.
// Writes are recorded by the caller (server.ts) after the handler succeeds.

export interface ActionContext {
  account: AwsAccount;
  params: URLSearchParams;
  trustPolicyQuota: number;
}

export interface ActionOutcome {
  result: XmlNode[] | null;
  /** Present for writes: what the write log keeps. */
  write?: { roleName: string; policyName?: string; document?: string };
}

type Handler = (ctx: ActionContext) => ActionOutcome;

export const WRITE_ACTIONS = new Set(["PutRolePolicy", "DeleteRolePolicy", "UpdateAssumeRolePolicy"]);

function required(params: URLSearchParams, name: string): string {
  const v = params.get(name);
  if (v === null || v === "") throw new IamError(400, "ValidationError", `1 validation error detected: Value null at '${name.charAt(0).toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`);
  return v;
}

const NAME = /^[\w+=,.@-]{1,128}$/;
function roleOf(ctx: ActionContext): SimRole {
  const name = required(ctx.params, "RoleName");
  if (!NAME.test(name) || name.length > 64) throw new IamError(400, "ValidationError", `1 validation error detected: Value '${name}' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`);
  const role = ctx.account.roles.get(name);
  if (role === undefined) throw noSuchRole(name);
  return role;
}

function modifiable(role: SimRole): void {
  if (role.path.startsWith("/aws-service-role/")) throw new IamError(400, "UnmodifiableEntity", `Cannot perform the operation on the protected role '${role.name}' - this role is only modifiable by AWS`);
}

/** Marker/MaxItems pagination; the marker is opaque to clients (here: the next index). */
function page<T>(params: URLSearchParams, items: T[]): { slice: T[]; tail: XmlNode[] } {
  const maxRaw = params.get("MaxItems");
  const max = maxRaw === null ? 100 : Number(maxRaw);
  if (!Number.isInteger(max) || max < 1 || max > 1000) throw new IamError(400, "ValidationError", `1 validation error detected: Value '${maxRaw}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000`);
  const marker = params.get("Marker");
  let start = 0;
  if (marker !== null) {
    const decoded = /^m(\d+)$/.exec(Buffer.from(marker, "base64url").toString());
    if (decoded === null || Number(decoded[1]) > items.length) throw new IamError(400, "InvalidInput", "Invalid Marker.");
    start = Number(decoded[1]);
  }
  const slice = items.slice(start, start + max);
  const truncated = start + max < items.length;
  return { slice, tail: [["IsTruncated", truncated], ["Marker", truncated ? Buffer.from(`m${start + max}`).toString("base64url") : undefined]] };
}

function roleXml(r: SimRole, full: boolean): XmlNode[] {
  return [
    ["Path", r.path],
    ["RoleName", r.name],
    ["RoleId", r.id],
    ["Arn", r.arn],
    ["CreateDate", r.createDate],
    ["AssumeRolePolicyDocument", encodePolicy(r.trustPolicy)],
    ["Description", r.description],
    ["MaxSessionDuration", r.maxSessionDuration],
    // ListRoles omits RoleLastUsed, Tags and PermissionsBoundary; GetRole has them.
    ...(full ? ([["RoleLastUsed", []]] as XmlNode[]) : []),
  ];
}

function policyXml(p: SimManagedPolicy, account: AwsAccount): XmlNode[] {
  return [
    ["PolicyName", p.name],
    ["PolicyId", p.id],
    ["Arn", p.arn],
    ["Path", p.path],
    ["DefaultVersionId", "v1"],
    ["AttachmentCount", account.attachmentCount(p.arn)],
    ["PermissionsBoundaryUsageCount", 0],
    ["IsAttachable", true],
    ["Description", p.description],
    ["CreateDate", p.createDate],
    ["UpdateDate", p.createDate],
  ];
}

function managedPolicy(ctx: ActionContext): SimManagedPolicy {
  const arn = required(ctx.params, "PolicyArn");
  const p = ctx.account.policies.get(arn);
  if (p === undefined) throw new IamError(404, "NoSuchEntity", `Policy ${arn} does not exist or is not attachable.`);
  return p;
}

function filterPath(params: URLSearchParams): string {
  return params.get("PathPrefix") ?? "/";
}

export const ACTIONS: Record<string, Handler> = {
  ListRoles(ctx) {
    const prefix = filterPath(ctx.params);
    const roles = [...ctx.account.roles.values()].filter((r) => r.path.startsWith(prefix));
    const { slice, tail } = page(ctx.params, roles);
    return { result: [["Roles", members(slice.map((r) => roleXml(r, false)))], ...tail] };
  },
  GetRole(ctx) {
    return { result: [["Role", roleXml(roleOf(ctx), true)]] };
  },
  ListOpenIDConnectProviders(ctx) {
    return { result: [["OpenIDConnectProviderList", members([...ctx.account.providers.values()].map((p) => [["Arn", p.arn]]))]] };
  },
  GetOpenIDConnectProvider(ctx) {
    const arn = required(ctx.params, "OpenIDConnectProviderArn");
    if (!/^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/.+/.test(arn)) throw new IamError(400, "InvalidInput", `ARN ${arn} is not valid.`);
    const p = ctx.account.providers.get(arn);
    if (p === undefined) throw new IamError(404, "NoSuchEntity", `OpenIDConnect Provider not found for arn ${arn}`);
    return { result: [["Url", p.url], ["ClientIDList", members(p.clientIds)], ["ThumbprintList", members(p.thumbprints)], ["CreateDate", p.createDate], ["Tags", []]] };
  },
  ListRolePolicies(ctx) {
    const { slice, tail } = page(ctx.params, [...roleOf(ctx).inline.keys()].sort());
    return { result: [["PolicyNames", members(slice)], ...tail] };
  },
  GetRolePolicy(ctx) {
    const role = roleOf(ctx);
    const name = required(ctx.params, "PolicyName");
    const doc = role.inline.get(name);
    if (doc === undefined) throw new IamError(404, "NoSuchEntity", `The role policy with name ${name} cannot be found.`);
    return { result: [["RoleName", role.name], ["PolicyName", name], ["PolicyDocument", encodePolicy(doc)]] };
  },
  ListAttachedRolePolicies(ctx) {
    const role = roleOf(ctx);
    const prefix = filterPath(ctx.params);
    const attached = role.attached.map((a) => ctx.account.policies.get(a) as SimManagedPolicy).filter((p) => p.path.startsWith(prefix));
    const { slice, tail } = page(ctx.params, attached);
    return { result: [["AttachedPolicies", members(slice.map((p) => [["PolicyName", p.name], ["PolicyArn", p.arn]]))], ...tail] };
  },
  GetPolicy(ctx) {
    return { result: [["Policy", policyXml(managedPolicy(ctx), ctx.account)]] };
  },
  GetPolicyVersion(ctx) {
    const p = managedPolicy(ctx);
    const version = required(ctx.params, "VersionId");
    if (version !== "v1") throw new IamError(404, "NoSuchEntity", `Policy ${p.arn} version ${version} does not exist or is not attachable.`);
    return { result: [["PolicyVersion", [["Document", encodePolicy(p.document)], ["VersionId", "v1"], ["IsDefaultVersion", true], ["CreateDate", p.createDate]]]] };
  },
  GetAccountAuthorizationDetails(ctx) {
    const filters = [...ctx.params.entries()].filter(([k]) => /^Filter\.member\.\d+$/.test(k)).map(([, v]) => v);
    const want = (f: string) => filters.length === 0 || filters.includes(f);
    type Item = { kind: "role"; role: SimRole } | { kind: "policy"; policy: SimManagedPolicy };
    const items: Item[] = [
      ...(want("Role") ? [...ctx.account.roles.values()].map((role) => ({ kind: "role" as const, role })) : []),
      ...[...ctx.account.policies.values()]
        .filter((p) => want(p.arn.startsWith("arn:aws:iam::aws:") ? "AWSManagedPolicy" : "LocalManagedPolicy"))
        .map((policy) => ({ kind: "policy" as const, policy })),
    ];
    const { slice, tail } = page(ctx.params, items);
    const roles = slice.flatMap((i) => (i.kind === "role" ? [i.role] : []));
    const policies = slice.flatMap((i) => (i.kind === "policy" ? [i.policy] : []));
    return {
      result: [
        ["UserDetailList", []],
        ["GroupDetailList", []],
        [
          "RoleDetailList",
          members(
            roles.map((r) => [
              ...roleXml(r, false).filter(([n]) => n !== "Description" && n !== "MaxSessionDuration"),
              ["InstanceProfileList", []],
              ["RolePolicyList", members([...r.inline].map(([name, doc]) => [["PolicyName", name], ["PolicyDocument", encodePolicy(doc)]]))],
              ["AttachedManagedPolicies", members(r.attached.map((a) => [["PolicyName", a.split("/").pop() as string], ["PolicyArn", a]]))],
              ["Tags", []],
            ]),
          ),
        ],
        [
          "Policies",
          members(
            policies.map((p) => [
              ...policyXml(p, ctx.account),
              ["PolicyVersionList", members([[["Document", encodePolicy(p.document)], ["VersionId", "v1"], ["IsDefaultVersion", true], ["CreateDate", p.createDate]]])],
            ]),
          ),
        ],
        ...tail,
      ],
    };
  },
  PutRolePolicy(ctx) {
    const role = roleOf(ctx);
    const name = required(ctx.params, "PolicyName");
    if (!NAME.test(name)) throw new IamError(400, "ValidationError", `1 validation error detected: Value '${name}' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`);
    const document = required(ctx.params, "PolicyDocument");
    modifiable(role);
    checkPolicy(document, "permissions", ctx.trustPolicyQuota);
    role.inline.set(name, document);
    return { result: null, write: { roleName: role.name, policyName: name, document } };
  },
  DeleteRolePolicy(ctx) {
    const role = roleOf(ctx);
    const name = required(ctx.params, "PolicyName");
    modifiable(role);
    if (!role.inline.delete(name)) throw new IamError(404, "NoSuchEntity", `The role policy with name ${name} cannot be found.`);
    return { result: null, write: { roleName: role.name, policyName: name } };
  },
  UpdateAssumeRolePolicy(ctx) {
    const role = roleOf(ctx);
    const document = required(ctx.params, "PolicyDocument");
    modifiable(role);
    checkPolicy(document, "trust", ctx.trustPolicyQuota);
    role.trustPolicy = document;
    return { result: null, write: { roleName: role.name, document } };
  },
};
