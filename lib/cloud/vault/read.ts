import "server-only";
import { isGithubIssuer } from "../../trust/load";
import { isBuildkiteIssuer } from "../../trust/token";
import { PolicyError } from "../../trust/parse-issues";
import { vaultRole } from "../../trust/parse-providers";
import type { VaultTrust } from "../../trust/types";
import { CloudReadError, type TrustDetails, type TrustSourceRead } from "../types";
import { vaultApi, vaultError, VaultHttpError, type VaultApi, type VaultConnection } from "./client";

// Vault's trusts: every role of one JWT auth mount, read as `vault read -format=json
// auth/<mount>/role/<name>` prints it (the API's envelope), parsed by lib/trust's parser.
// The issuer lives on the mount (`auth/<mount>/config`): a mount bound to another issuer
// (GitLab, Kubernetes) holds no GitHub trusts; a mount bound to Buildkite's issuer holds
// Buildkite trusts, each role carrying that issuer.

type RoleEnvelope = { data: Record<string, unknown> };

export async function readVaultRole(api: VaultApi, conn: VaultConnection, name: string): Promise<RoleEnvelope | null> {
  try {
    return (await api.request<RoleEnvelope>("GET", `/v1/auth/${conn.mount}/role/${encodeURIComponent(name)}`)).data;
  } catch (error) {
    if (error instanceof VaultHttpError && error.status === 404 && error.errors.length === 0) return null;
    throw vaultError(error, `reading auth/${conn.mount}/role/${name}`, conn);
  }
}

async function listRoles(api: VaultApi, conn: VaultConnection): Promise<string[]> {
  try {
    const { data } = await api.request<{ data?: { keys?: unknown } }>("GET", `/v1/auth/${conn.mount}/role?list=true`);
    const keys = data?.data?.keys;
    if (!Array.isArray(keys)) throw new CloudReadError(`Vault's answer to LIST auth/${conn.mount}/role has no keys: check that ${conn.address} is Vault or OpenBao.`, "shape");
    return keys.map(String);
  } catch (error) {
    // An empty LIST is a 404 without errors.
    if (error instanceof VaultHttpError && error.status === 404 && error.errors.length === 0) return [];
    throw vaultError(error, `listing auth/${conn.mount}/role`, conn);
  }
}

function details(conn: VaultConnection, trust: VaultTrust, data: Record<string, unknown>): TrustDetails {
  const policies = Array.isArray(data.token_policies) ? data.token_policies.map(String) : [];
  if (data.token_no_default_policy !== true && !policies.includes("default")) policies.push("default");
  const ttl = typeof data.token_ttl === "number" && data.token_ttl > 0 ? `, token TTL ${data.token_ttl} s` : "";
  return {
    account: `${conn.address}${conn.namespace ? ` (namespace ${conn.namespace})` : ""}`,
    resource: `auth/${conn.mount}/role/${trust.name}`,
    permissions: policies.map((p) => `policy ${p}${ttl}`),
    permissionsNote: "The policies' rules are not read (sys/policy needs a broader token).",
  };
}

export async function readVault(conn: VaultConnection): Promise<TrustSourceRead> {
  const api = vaultApi(conn);
  const warnings: string[] = [];
  let buildkite: string | null = null;
  try {
    const { data } = await api.request<{ data?: { bound_issuer?: string; oidc_discovery_url?: string } }>("GET", `/v1/auth/${conn.mount}/config`);
    const issuer = data?.data?.bound_issuer || data?.data?.oidc_discovery_url || "";
    if (isBuildkiteIssuer(issuer)) buildkite = issuer;
    else if (issuer !== "" && !isGithubIssuer(issuer)) {
      return { trusts: [], details: {}, warnings: [`auth/${conn.mount} trusts tokens of ${issuer}, not GitHub Actions: its roles are not read as GitHub trusts.`] };
    }
    if (issuer === "") warnings.push(`auth/${conn.mount} has no bound_issuer or OIDC discovery URL; its roles are read as GitHub trusts.`);
  } catch (error) {
    const e = vaultError(error, `reading auth/${conn.mount}/config`, conn);
    if (e.kind !== "denied") throw e;
    warnings.push(`The mount's issuer was not checked: ${e.message}`);
  }
  const trusts: VaultTrust[] = [];
  const all: Record<string, TrustDetails> = {};
  for (const name of await listRoles(api, conn)) {
    const role = await readVaultRole(api, conn, name);
    if (role === null) continue; // deleted between LIST and read
    try {
      const trust: VaultTrust = { ...vaultRole(role, name), ...(buildkite !== null ? { issuer: buildkite } : {}) };
      trusts.push(trust);
      all[trust.id] = details(conn, trust, role.data);
    } catch (error) {
      if (!(error instanceof PolicyError)) throw error;
      warnings.push(`Role ${name} skipped: ${error.message}`);
    }
  }
  return { trusts, details: all, warnings };
}
