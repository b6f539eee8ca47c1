import "server-only";
import {
  GetOpenIDConnectProviderCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRolePolicyCommand,
  paginateListAttachedRolePolicies,
  paginateListRolePolicies,
  paginateListRoles,
  ListOpenIDConnectProvidersCommand,
  type IAMClient,
  type Role,
} from "@aws-sdk/client-iam";
import { GITHUB_ISSUER, loadPolicy } from "../../trust";
import { BUILDKITE_PROVIDER_PATH, isGithubIssuerPath } from "../../trust/aws-match";
import type { AwsTrust } from "../../trust/types";
import { CloudReadError, type TrustDetails, type TrustSourceRead } from "../types";
import { call, iamClient, toCloudError, type AwsConnection } from "./client";
import { decodePolicy, summarisePolicy } from "./summary";

// Reads the IAM roles of one AWS account that trust a GitHub Actions OIDC provider (or
// Buildkite's, agent.buildkite.com), with
// what each can do. Recognition and parsing are lib/trust's own (`loadPolicy` on each role
// as `aws iam get-role` prints it), so a live read and an uploaded export agree.
// Failing to list roles fails the read; failing to read one role's permissions, or the
// OIDC providers, is a warning.

export interface AwsOidcProvider {
  arn: string;
  url: string;
  clientIds: string[];
}

export interface AwsTrustSourceRead extends TrustSourceRead {
  /** The account's GitHub and Buildkite OIDC providers; a later check can compare their client ids with the audiences trusted. */
  oidcProviders: AwsOidcProvider[];
}

/** Roles whose permissions are read at once. */
const CONCURRENCY = 4;
const STS_AUDIENCE = "sts.amazonaws.com";

function accountOf(arn: string): string | null {
  return /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(arn)?.[1] ?? null;
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

async function listRoles(client: IAMClient, conn: AwsConnection): Promise<Role[]> {
  return call(conn, "ListRoles", async () => {
    const roles: Role[] = [];
    for await (const page of paginateListRoles({ client }, {})) roles.push(...(page.Roles ?? []));
    return roles;
  });
}

function githubTrusts(roles: Role[], issuer: string, warnings: string[]): AwsTrust[] {
  return roles.flatMap((role) => {
    if (role.RoleName === undefined || role.Arn === undefined) return [];
    const loaded = loadPolicy({ path: role.Arn, content: JSON.stringify({ Role: { RoleName: role.RoleName, Arn: role.Arn, AssumeRolePolicyDocument: role.AssumeRolePolicyDocument ?? "" } }) }, issuer);
    for (const e of loaded.errors) warnings.push(`role ${role.RoleName}: its trust policy cannot be read (${e.message}); it is left out`);
    return loaded.trusts.filter((t): t is AwsTrust => t.provider === "aws");
  });
}

async function permissions(client: IAMClient, conn: AwsConnection, roleName: string): Promise<string[]> {
  const lines: string[] = [];
  const attached = await call(conn, "ListAttachedRolePolicies", async () => {
    const out: { PolicyName?: string; PolicyArn?: string }[] = [];
    for await (const page of paginateListAttachedRolePolicies({ client }, { RoleName: roleName })) out.push(...(page.AttachedPolicies ?? []));
    return out;
  });
  for (const p of attached) {
    const arn = p.PolicyArn ?? "";
    if (/^arn:aws[a-z-]*:iam::aws:policy\//.test(arn)) {
      lines.push(`${p.PolicyName} (AWS managed)`);
      continue;
    }
    const policy = await call(conn, "GetPolicy", () => client.send(new GetPolicyCommand({ PolicyArn: arn })));
    const version = await call(conn, "GetPolicyVersion", () => client.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: policy.Policy?.DefaultVersionId })));
    const doc = version.PolicyVersion?.Document;
    lines.push(...(doc === undefined ? [`${p.PolicyName} (managed)`] : summarisePolicy(decodePolicy(doc)).map((l) => `${p.PolicyName} (managed): ${l}`)));
  }
  const inline = await call(conn, "ListRolePolicies", async () => {
    const out: string[] = [];
    for await (const page of paginateListRolePolicies({ client }, { RoleName: roleName })) out.push(...(page.PolicyNames ?? []));
    return out;
  });
  for (const name of inline) {
    const got = await call(conn, "GetRolePolicy", () => client.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name })));
    lines.push(...summarisePolicy(decodePolicy(got.PolicyDocument ?? "{}")).map((l) => `${name} (inline): ${l}`));
  }
  return lines;
}

async function providers(client: IAMClient, conn: AwsConnection, warnings: string[]): Promise<AwsOidcProvider[]> {
  try {
    const listed = await call(conn, "ListOpenIDConnectProviders", () => client.send(new ListOpenIDConnectProvidersCommand({})));
    const github = (listed.OpenIDConnectProviderList ?? []).map((p) => p.Arn ?? "").filter((arn) => {
      const path = arn.replace(/^[^/]*\//, "");
      return isGithubIssuerPath(path) || path === BUILDKITE_PROVIDER_PATH;
    });
    return await Promise.all(
      github.map(async (arn) => {
        const got = await call(conn, "GetOpenIDConnectProvider", () => client.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })));
        return { arn, url: got.Url ?? "", clientIds: got.ClientIDList ?? [] };
      }),
    );
  } catch (err) {
    if (err instanceof CloudReadError && err.kind === "credentials") throw err;
    warnings.push(`the account's OIDC providers could not be read: ${(err as Error).message}`);
    return [];
  }
}

/** Provider ARNs a trust names that the account lacks, and providers that refuse the AWS action's default audience. */
function providerWarnings(trusts: AwsTrust[], found: AwsOidcProvider[], warnings: string[]): void {
  const arns = new Set(found.map((p) => p.arn));
  for (const t of trusts) {
    const named = new Set(t.statements.flatMap((s) => (Array.isArray(s.principals) ? s.principals : [])).filter((a) => a.includes(":oidc-provider/")));
    for (const a of named) if (!arns.has(a)) warnings.push(`role ${t.name} trusts ${a}, which this account does not have: no token can assume it until the provider is created`);
  }
  for (const p of found) {
    if (!p.clientIds.includes(STS_AUDIENCE)) warnings.push(`OIDC provider ${p.url} does not list the audience ${STS_AUDIENCE} (it lists ${p.clientIds.join(", ") || "none"}): aws-actions/configure-aws-credentials' default audience is refused`);
  }
}

export async function readAws(conn: AwsConnection, options: { issuer?: string } = {}): Promise<AwsTrustSourceRead> {
  const client = iamClient(conn);
  try {
    const warnings: string[] = [];
    const trusts = githubTrusts(await listRoles(client, conn), options.issuer ?? GITHUB_ISSUER, warnings);
    const oidcProviders = await providers(client, conn, warnings);
    providerWarnings(trusts, oidcProviders, warnings);
    const details: Record<string, TrustDetails> = {};
    await mapLimit(trusts, CONCURRENCY, async (t) => {
      let lines: string[] = [];
      let note: string | null = null;
      try {
        lines = await permissions(client, conn, t.name);
      } catch (err) {
        const e = toCloudError(err, "GetRolePolicy", conn.endpoint);
        if (e.kind === "credentials") throw e;
        note = `its permissions could not be read: ${e.message}`;
        warnings.push(`role ${t.name}: ${note}`);
      }
      details[t.id] = { account: accountOf(t.id), resource: t.id, permissions: lines, permissionsNote: note ?? (lines.length === 0 ? "no policy is attached to this role" : null) };
    });
    return { trusts, details, warnings, oidcProviders };
  } finally {
    client.destroy();
  }
}
