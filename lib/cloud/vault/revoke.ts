import "server-only";
import { CloudReadError, type CloudCall, type RevocationPlan, type RevocationResult } from "../types";
import { vaultApi, vaultError, type VaultApi, type VaultConnection } from "./client";
import { readVaultRole } from "./read";

// Revoking a Vault trust in an incident: delete the JWT role. The role's data as read is kept,
// so restore() writes it back (POST). Verification re-reads the role.

interface VaultPrevious {
  mount: string;
  name: string;
  data: Record<string, unknown>;
}

function roleName(trustId: string): string {
  const m = /^vault:(.+)$/.exec(trustId);
  if (m === null) throw new CloudReadError(`${trustId} is not a Vault trust id (vault:ROLE).`, "shape");
  return m[1] as string;
}

function cli(conn: VaultConnection, rest: string): string {
  return `vault ${rest.split(" ")[0]}${conn.namespace ? ` -namespace=${conn.namespace}` : ""} ${rest.split(" ").slice(1).join(" ")}`;
}

/** The role's fields to write back: null values (unset maps and lists) are left out. */
function writable(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([, v]) => v !== null));
}

export async function planVaultRevocation(conn: VaultConnection, trustId: string): Promise<RevocationPlan> {
  const api = vaultApi(conn);
  const name = roleName(trustId);
  const role = await readVaultRole(api, conn, name);
  const path = `auth/${conn.mount}/role/${name}`;
  if (role === null) return { provider: "vault", trustId, summary: `Vault role ${path} no longer exists; nothing to delete.`, calls: [], previous: null, commands: [] };
  const previous: VaultPrevious = { mount: conn.mount, name, data: role.data };
  const ttl = typeof role.data.token_ttl === "number" && role.data.token_ttl > 0 ? ` (token_ttl ${role.data.token_ttl} s)` : "";
  return {
    provider: "vault",
    trustId,
    summary:
      `Deletes Vault role ${path}: GitHub tokens can no longer log in with it. Vault tokens it already issued stay valid until their TTL ends${ttl}; ` +
      `\`vault token revoke -mode=path auth/${conn.mount}\` revokes them, with every other token of the mount. The role's data is kept to write it back.`,
    calls: [{ action: "DELETE", target: `/v1/${path}`, body: null }],
    previous,
    commands: [cli(conn, `delete ${path}`)],
  };
}

async function run(api: VaultApi, conn: VaultConnection, calls: CloudCall[]): Promise<string[]> {
  const evidence: string[] = [];
  for (const call of calls) {
    try {
      const { status } = await api.request(call.action as "DELETE" | "POST", call.target, call.body ?? undefined);
      evidence.push(`${call.action} ${call.target} → ${status}`);
    } catch (error) {
      throw vaultError(error, `${call.action} ${call.target}`, conn);
    }
  }
  return evidence;
}

export async function applyVaultRevocation(conn: VaultConnection, plan: RevocationPlan): Promise<RevocationResult> {
  const api = vaultApi(conn);
  const evidence = await run(api, conn, plan.calls);
  const name = roleName(plan.trustId);
  const still = await readVaultRole(api, conn, name);
  return { plan, verified: still === null, evidence: [...evidence, still === null ? `re-read: auth/${conn.mount}/role/${name} not found` : `re-read: auth/${conn.mount}/role/${name} still exists`] };
}

/** Writes the deleted role back as it was read before the revocation. */
export async function restoreVaultRevocation(conn: VaultConnection, revoked: RevocationPlan): Promise<RevocationResult> {
  const api = vaultApi(conn);
  const previous = revoked.previous as VaultPrevious | null;
  if (previous === null) return { plan: { ...revoked, summary: "Nothing was deleted; nothing to restore.", calls: [], commands: [] }, verified: true, evidence: [] };
  const path = `auth/${previous.mount}/role/${previous.name}`;
  const present = await readVaultRole(api, conn, previous.name);
  const body = writable(previous.data);
  const calls: CloudCall[] = present === null ? [{ action: "POST", target: `/v1/${path}`, body }] : [];
  const plan: RevocationPlan = {
    provider: "vault",
    trustId: revoked.trustId,
    summary: present === null ? `Writes Vault role ${path} back as it was before the revocation.` : `Vault role ${path} exists again already; nothing to write.`,
    calls,
    previous: null,
    commands: calls.length === 0 ? [] : [`echo '${JSON.stringify(body).replace(/'/g, `'\\''`)}' | ${cli(conn, `write ${path} -`)}`],
  };
  const evidence = await run(api, conn, calls);
  const back = await readVaultRole(api, conn, previous.name);
  const same = back !== null && ["role_type", "bound_audiences", "bound_subject", "bound_claims", "bound_claims_type", "user_claim", "token_policies"].every((k) => JSON.stringify(back.data[k]) === JSON.stringify(previous.data[k]));
  return { plan, verified: same, evidence: [...evidence, same ? `re-read: ${path} matches the role as it was` : `re-read: ${path} ${back === null ? "missing" : "differs from the role as it was"}`] };
}
