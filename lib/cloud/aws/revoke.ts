import "server-only";
import {
  DeleteRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
  type IAMClient,
} from "@aws-sdk/client-iam";
import { GITHUB_ISSUER } from "../../trust";
import { trustsGithub } from "../../trust/aws-match";
import { awsFromGetRole } from "../../trust/parse-aws";
import type { AwsTrust } from "../../trust/types";
import type { CloudCall, RevocationPlan, RevocationResult, TrustDetails } from "../types";
import { call, iamClient, type AwsConnection } from "./client";
import { decodePolicy, summarisePolicy } from "./summary";

// Revoking an IAM role trusted by GitHub in an incident (issue 11 item 5; AWS: "Revoking IAM
// role temporary security credentials", reference cloud-trust.md §2.8):
//  1. PutRolePolicy of the inline policy AWSRevokeOlderSessions — the console's document: deny
//     `*` on `*` to sessions whose aws:TokenIssueTime is before `revokeBefore`. STS credentials
//     cannot be revoked, only their permissions (evaluated on every request); sessions issued
//     later are unaffected, so `revokeBefore` must be the moment of revocation (as the console
//     uses "now") — the incident start would leave every session minted during it valid.
//  2. With `narrow`, UpdateAssumeRolePolicy without the statements that let a GitHub token
//     assume the role (lib/trust's recognition); when none would remain, one explicit Deny of
//     sts:AssumeRoleWithWebIdentity for those providers takes their place (a trust policy needs
//     a statement). The previous document is kept to restore it.
// Writes are idempotent (the same document twice is the same state); verification re-reads.

export const REVOKE_POLICY_NAME = "AWSRevokeOlderSessions";

/** What the role looks like before the revocation (read with readAwsRoleState, or from an export). */
export interface AwsRoleState {
  roleName: string;
  trustPolicy: Record<string, unknown>;
  /** The AWSRevokeOlderSessions document already on the role (an earlier revocation), or null. */
  revokeOlderSessions: unknown;
  maxSessionDuration: number;
}

export interface AwsRevocationPrevious {
  roleName: string;
  roleArn: string;
  /** The trust policy before narrowing; null when the plan does not change it. */
  trustPolicy: Record<string, unknown> | null;
  revokeOlderSessions: unknown;
  revokeBefore: string;
  maxSessionDuration: number;
}

export interface AwsRevocationOptions {
  /** Sessions whose token was issued before this instant lose every permission: the moment of revocation. */
  revokeBefore: Date;
  narrow: boolean;
  current: AwsRoleState;
}

/** The console's document (AWS's documented form), timestamp in whole seconds, rounded up so the instant itself is covered. */
function tokenIssueTime(before: Date): string {
  return new Date(Math.ceil(before.getTime() / 1000) * 1000).toISOString().replace(/\.000Z$/, "Z");
}

export function revokeOlderSessionsDocument(before: Date): Record<string, unknown> {
  const iso = tokenIssueTime(before);
  return { Version: "2012-10-17", Statement: { Effect: "Deny", Action: "*", Resource: "*", Condition: { DateLessThan: { "aws:TokenIssueTime": iso } } } };
}

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/** The trust policy without the statements a GitHub token can use, or null when there are none. */
function narrowed(state: AwsRoleState, roleArn: string): Record<string, unknown> | null {
  const raw = asList(state.trustPolicy.Statement);
  const [parsed] = awsFromGetRole({ Role: { RoleName: state.roleName, Arn: roleArn, AssumeRolePolicyDocument: state.trustPolicy } });
  const github = (parsed as AwsTrust).statements.map((s) => trustsGithub({ provider: "aws", id: roleArn, name: state.roleName, statements: [s] }, GITHUB_ISSUER));
  if (!github.some(Boolean)) return null;
  const kept = raw.filter((_, i) => !github[i]);
  if (kept.length > 0) return { ...state.trustPolicy, Statement: kept };
  const removed = raw.filter((_, i) => github[i]) as { Principal?: unknown }[];
  const federated = [...new Set(removed.flatMap((s) => (typeof s.Principal === "object" && s.Principal !== null ? asList((s.Principal as { Federated?: unknown }).Federated) : [])).map(String))];
  const principal = federated.length === 0 ? "*" : { Federated: federated.length === 1 ? federated[0] : federated };
  return { ...state.trustPolicy, Statement: [{ Sid: "GatehouseIncidentNoGithub", Effect: "Deny", Principal: principal, Action: "sts:AssumeRoleWithWebIdentity" }] };
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function command(c: CloudCall): string {
  const b = c.body as { RoleName: string; PolicyName?: string; PolicyDocument?: unknown };
  const doc = b.PolicyDocument === undefined ? "" : ` --policy-document ${shellQuote(JSON.stringify(b.PolicyDocument))}`;
  if (c.action === "iam:PutRolePolicy") return `aws iam put-role-policy --role-name ${b.RoleName} --policy-name ${b.PolicyName}${doc}`;
  if (c.action === "iam:DeleteRolePolicy") return `aws iam delete-role-policy --role-name ${b.RoleName} --policy-name ${b.PolicyName}`;
  return `aws iam update-assume-role-policy --role-name ${b.RoleName}${doc}`;
}

export function planAwsRevocation(trust: AwsTrust, details: TrustDetails, options: AwsRevocationOptions): RevocationPlan {
  const { current } = options;
  if (current.roleName !== trust.name) throw new Error(`the role state is of ${current.roleName}, not of ${trust.name}: read the state of the role being revoked`);
  const roleArn = details.resource;
  const revokeDoc = revokeOlderSessionsDocument(options.revokeBefore);
  const calls: CloudCall[] = [{ action: "iam:PutRolePolicy", target: roleArn, body: { RoleName: trust.name, PolicyName: REVOKE_POLICY_NAME, PolicyDocument: revokeDoc } }];
  const newTrust = options.narrow ? narrowed(current, roleArn) : null;
  if (newTrust !== null) calls.push({ action: "iam:UpdateAssumeRolePolicy", target: roleArn, body: { RoleName: trust.name, PolicyDocument: newTrust } });
  const when = tokenIssueTime(options.revokeBefore);
  const summary = [
    `Denies every action to sessions of ${trust.name} whose token was issued before ${when} (inline policy ${REVOKE_POLICY_NAME}, as the console's "Revoke active sessions"); AWS applies it within a few minutes.`,
    newTrust !== null
      ? `Replaces the trust policy so that no GitHub token can assume the role again (the previous one is kept to restore).`
      : options.narrow
        ? `The trust policy has no statement a GitHub token can use: it is left as it is.`
        : `Sessions issued after ${when} are unaffected and GitHub tokens can still assume the role: cut the trust too unless the workflow is already contained.`,
  ].join(" ");
  const previous: AwsRevocationPrevious = {
    roleName: trust.name,
    roleArn,
    trustPolicy: newTrust !== null ? current.trustPolicy : null,
    revokeOlderSessions: current.revokeOlderSessions,
    revokeBefore: when,
    maxSessionDuration: current.maxSessionDuration,
  };
  return { provider: "aws", trustId: trust.id, summary, calls, previous, commands: calls.map(command) };
}

async function inlinePolicy(client: IAMClient, conn: AwsConnection, roleName: string): Promise<unknown> {
  try {
    const got = await client.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: REVOKE_POLICY_NAME }));
    return decodePolicy(got.PolicyDocument ?? "{}");
  } catch (err) {
    if ((err as { name?: string }).name === "NoSuchEntityException") return null;
    return call(conn, "GetRolePolicy", () => Promise.reject(err));
  }
}

async function roleNow(client: IAMClient, conn: AwsConnection, roleName: string) {
  const got = await call(conn, "GetRole", () => client.send(new GetRoleCommand({ RoleName: roleName })));
  return { trustPolicy: decodePolicy(got.Role?.AssumeRolePolicyDocument ?? "{}") as Record<string, unknown>, maxSessionDuration: got.Role?.MaxSessionDuration ?? 3600 };
}

/** The role's trust policy, its AWSRevokeOlderSessions policy if any, and its session length: what a plan needs. */
export async function readAwsRoleState(conn: AwsConnection, roleName: string): Promise<AwsRoleState> {
  const client = iamClient(conn);
  try {
    const role = await roleNow(client, conn, roleName);
    return { roleName, ...role, revokeOlderSessions: await inlinePolicy(client, conn, roleName) };
  } finally {
    client.destroy();
  }
}

/** Same JSON whatever the key order (IAM may return a document re-serialised). */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (typeof v === "object" && v !== null) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}
const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);

async function execute(client: IAMClient, conn: AwsConnection, c: CloudCall): Promise<string> {
  const b = c.body as { RoleName: string; PolicyName?: string; PolicyDocument?: unknown };
  const doc = JSON.stringify(b.PolicyDocument);
  if (c.action === "iam:PutRolePolicy") {
    await call(conn, "PutRolePolicy", () => client.send(new PutRolePolicyCommand({ RoleName: b.RoleName, PolicyName: b.PolicyName, PolicyDocument: doc })));
    return `PutRolePolicy ${b.PolicyName} on ${b.RoleName}: written`;
  }
  if (c.action === "iam:DeleteRolePolicy") {
    try {
      await client.send(new DeleteRolePolicyCommand({ RoleName: b.RoleName, PolicyName: b.PolicyName }));
      return `DeleteRolePolicy ${b.PolicyName} on ${b.RoleName}: deleted`;
    } catch (err) {
      if ((err as { name?: string }).name === "NoSuchEntityException") return `DeleteRolePolicy ${b.PolicyName} on ${b.RoleName}: already absent`;
      return call(conn, "DeleteRolePolicy", () => Promise.reject(err));
    }
  }
  await call(conn, "UpdateAssumeRolePolicy", () => client.send(new UpdateAssumeRolePolicyCommand({ RoleName: b.RoleName, PolicyDocument: doc })));
  return `UpdateAssumeRolePolicy on ${b.RoleName}: written`;
}

/** Re-reads what the calls wrote: each written document must be there, each deleted policy absent. */
async function verify(client: IAMClient, conn: AwsConnection, roleName: string, calls: CloudCall[], evidence: string[]): Promise<boolean> {
  let ok = true;
  for (const c of calls) {
    const b = c.body as { PolicyDocument?: unknown };
    if (c.action === "iam:UpdateAssumeRolePolicy") {
      const { trustPolicy } = await roleNow(client, conn, roleName);
      const good = same(trustPolicy, b.PolicyDocument);
      ok &&= good;
      evidence.push(`GetRole ${roleName}: the trust policy ${good ? "is the one written" : `differs from the one written: ${JSON.stringify(trustPolicy)}`}`);
    } else {
      const doc = await inlinePolicy(client, conn, roleName);
      const good = c.action === "iam:DeleteRolePolicy" ? doc === null : same(doc, b.PolicyDocument);
      ok &&= good;
      evidence.push(`GetRolePolicy ${REVOKE_POLICY_NAME} on ${roleName}: ${doc === null ? "absent" : summarisePolicy(doc).join("; ")}${good ? "" : " — not what was written"}`);
    }
  }
  return ok;
}

async function run(conn: AwsConnection, plan: RevocationPlan): Promise<RevocationResult> {
  const previous = plan.previous as AwsRevocationPrevious;
  const client = iamClient(conn);
  try {
    const evidence: string[] = [];
    for (const c of plan.calls) evidence.push(await execute(client, conn, c));
    const verified = await verify(client, conn, previous.roleName, plan.calls, evidence);
    return { plan, verified, evidence };
  } finally {
    client.destroy();
  }
}

/** Executes the plan's calls in order, then re-reads the role. Applying the same plan again changes nothing. */
export function applyAwsRevocation(conn: AwsConnection, plan: RevocationPlan): Promise<RevocationResult> {
  return run(conn, plan);
}

/**
 * Puts the previous trust policy back. AWSRevokeOlderSessions is removed (or its earlier version
 * put back) only once every session it denies has expired — sessions issued before
 * `revokeBefore` live at most the role's MaxSessionDuration; deleting the policy earlier would
 * give those still alive their permissions back, since permissions are evaluated per request.
 * Until then it stays, and the evidence says from when it can go.
 */
export async function restoreAwsRevocation(conn: AwsConnection, plan: RevocationPlan, options: { now?: Date } = {}): Promise<RevocationResult> {
  const previous = plan.previous as AwsRevocationPrevious;
  const now = options.now ?? new Date();
  const calls: CloudCall[] = [];
  if (previous.trustPolicy !== null) calls.push({ action: "iam:UpdateAssumeRolePolicy", target: previous.roleArn, body: { RoleName: previous.roleName, PolicyDocument: previous.trustPolicy } });
  const expiry = new Date(Date.parse(previous.revokeBefore) + previous.maxSessionDuration * 1000);
  const keep = now < expiry;
  if (!keep) {
    calls.push(
      previous.revokeOlderSessions === null
        ? { action: "iam:DeleteRolePolicy", target: previous.roleArn, body: { RoleName: previous.roleName, PolicyName: REVOKE_POLICY_NAME } }
        : { action: "iam:PutRolePolicy", target: previous.roleArn, body: { RoleName: previous.roleName, PolicyName: REVOKE_POLICY_NAME, PolicyDocument: previous.revokeOlderSessions } },
    );
  }
  const summary = `Restores ${previous.roleName}: ${previous.trustPolicy !== null ? "puts the previous trust policy back" : "the trust policy was not changed"}; ${
    keep
      ? `keeps ${REVOKE_POLICY_NAME} until ${expiry.toISOString()}, when the last session issued before ${previous.revokeBefore} has expired (removing it earlier gives those sessions their permissions back) — restore again after that`
      : previous.revokeOlderSessions === null
        ? `deletes ${REVOKE_POLICY_NAME} (every session it denied has expired)`
        : `puts back the ${REVOKE_POLICY_NAME} that was there before`
  }.`;
  const restore: RevocationPlan = { provider: "aws", trustId: plan.trustId, summary, calls, previous: null, commands: calls.map(command) };
  const result = await run(conn, { ...restore, previous });
  return { ...result, plan: restore };
}
