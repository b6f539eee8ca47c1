import "server-only";
import { CloudReadError, type CloudCall, type RevocationPlan, type RevocationResult } from "../types";
import { gcpApi, gcpError, type GcpApi, type GcpConnection } from "./client";

// Revoking a Google Cloud trust in an incident: disable the provider (new exchanges refused),
// or the whole pool (also cuts the federated tokens already issued). The previous `disabled`
// values are kept so restore() enables again exactly what was enabled. Verification re-reads.

export type GcpRevocationScope = "provider" | "pool";

interface GcpPrevious {
  scope: GcpRevocationScope;
  provider: { name: string; disabled: boolean };
  pool: { name: string; disabled: boolean };
}

interface Operation {
  name?: string;
  done?: boolean;
  error?: { message?: string };
}

const PROVIDER = /^(projects\/[^/]+\/locations\/global\/workloadIdentityPools\/([^/]+))\/providers\/([^/]+)$/;

function parts(trustId: string): { pool: string; poolId: string; providerId: string } {
  const m = PROVIDER.exec(trustId);
  if (m === null) throw new CloudReadError(`${trustId} is not a workload identity pool provider name (projects/N/locations/global/workloadIdentityPools/POOL/providers/ID).`, "shape");
  return { pool: m[1] as string, poolId: m[2] as string, providerId: m[3] as string };
}

function disableCall(name: string, disabled: boolean): CloudCall {
  return { action: "PATCH", target: `v1/${name}?updateMask=disabled`, body: { disabled } };
}

function commands(conn: GcpConnection, trustId: string, scope: GcpRevocationScope, disabled: boolean): string[] {
  const { poolId, providerId } = parts(trustId);
  const flag = disabled ? "--disabled" : "--no-disabled";
  return scope === "provider"
    ? [`gcloud iam workload-identity-pools providers update-oidc ${providerId} --project=${conn.projectId} --location=global --workload-identity-pool=${poolId} ${flag}`]
    : [`gcloud iam workload-identity-pools update ${poolId} --project=${conn.projectId} --location=global ${flag}`];
}

async function state(api: GcpApi, trustId: string, projectId: string): Promise<GcpPrevious["provider"] & { pool: GcpPrevious["pool"] }> {
  const { pool } = parts(trustId);
  try {
    const provider = await api.request<{ disabled?: boolean }>("GET", `v1/${trustId}`);
    const p = await api.request<{ disabled?: boolean }>("GET", `v1/${pool}`);
    return { name: trustId, disabled: provider.disabled === true, pool: { name: pool, disabled: p.disabled === true } };
  } catch (error) {
    throw gcpError(error, `reading ${trustId}`, projectId);
  }
}

export async function planGcpRevocation(conn: GcpConnection, trustId: string, scope: GcpRevocationScope = "provider"): Promise<RevocationPlan> {
  const api = await gcpApi(conn);
  const now = await state(api, trustId, conn.projectId);
  const { poolId, providerId } = parts(trustId);
  const previous: GcpPrevious = { scope, provider: { name: now.name, disabled: now.disabled }, pool: now.pool };
  const target = scope === "provider" ? previous.provider : previous.pool;
  const calls = target.disabled ? [] : [disableCall(target.name, true)];
  const summary =
    scope === "provider"
      ? `${calls.length === 0 ? `Provider ${providerId} is already disabled; nothing to change. ` : `Disables provider ${providerId}: GitHub tokens can no longer be exchanged through it. `}` +
        `Federated tokens it already issued stay valid until they expire, and so do service-account tokens minted with them; to cut the federated tokens, disable the pool ${poolId} instead (scope "pool"), which stops every provider of the pool.`
      : `${calls.length === 0 ? `Pool ${poolId} is already disabled; nothing to change. ` : `Disables pool ${poolId}: no provider of it accepts new exchanges, and the federated tokens it issued stop granting access. `}` +
        `Service-account access tokens already minted through it stay valid until they expire (an hour by default); remove the pool's roles/iam.workloadIdentityUser bindings to stop new ones after re-enabling.`;
  return { provider: "gcp", trustId, summary, calls, previous, commands: calls.length === 0 ? [] : commands(conn, trustId, scope, true) };
}

async function run(api: GcpApi, calls: CloudCall[], projectId: string): Promise<string[]> {
  const evidence: string[] = [];
  for (const call of calls) {
    let op: Operation;
    try {
      op = await api.request<Operation>("PATCH", call.target, call.body);
      for (let i = 0; op.done !== true && i < 10 && op.name !== undefined; i++) {
        await new Promise((r) => setTimeout(r, 500 * (i + 1)));
        op = await api.request<Operation>("GET", `v1/${op.name}`);
      }
    } catch (error) {
      throw gcpError(error, `${call.action} ${call.target}`, projectId);
    }
    if (op.error !== undefined) throw new CloudReadError(`Google Cloud refused ${call.target}: ${op.error.message ?? "operation failed"}.`, "denied");
    evidence.push(`${call.action} ${call.target} ${JSON.stringify(call.body)} → operation ${op.name ?? "(unnamed)"} ${op.done === true ? "done" : "still running"}`);
  }
  return evidence;
}

async function verify(api: GcpApi, plan: RevocationPlan, want: GcpPrevious, projectId: string): Promise<{ verified: boolean; line: string }> {
  const now = await state(api, plan.trustId, projectId);
  const verified = want.scope === "provider" ? now.disabled === want.provider.disabled : now.pool.disabled === want.pool.disabled;
  return { verified, line: `re-read: provider ${now.name} disabled=${now.disabled}, pool ${now.pool.name} disabled=${now.pool.disabled}` };
}

export async function applyGcpRevocation(conn: GcpConnection, plan: RevocationPlan): Promise<RevocationResult> {
  const api = await gcpApi(conn);
  const previous = plan.previous as GcpPrevious;
  const evidence = await run(api, plan.calls, conn.projectId);
  const want: GcpPrevious = { ...previous, provider: { ...previous.provider, disabled: previous.scope === "provider" ? true : previous.provider.disabled }, pool: { ...previous.pool, disabled: previous.scope === "pool" ? true : previous.pool.disabled } };
  const { verified, line } = await verify(api, plan, want, conn.projectId);
  return { plan, verified, evidence: [...evidence, line] };
}

/** Enables again what the revocation disabled (nothing that was disabled before it). */
export async function restoreGcpRevocation(conn: GcpConnection, revoked: RevocationPlan): Promise<RevocationResult> {
  const api = await gcpApi(conn);
  const previous = revoked.previous as GcpPrevious;
  const target = previous.scope === "provider" ? previous.provider : previous.pool;
  const calls = target.disabled ? [] : [disableCall(target.name, false)];
  const plan: RevocationPlan = {
    provider: "gcp",
    trustId: revoked.trustId,
    summary: calls.length === 0 ? `The ${previous.scope} was disabled before the revocation; it stays disabled.` : `Enables the ${previous.scope} ${target.name} again, as it was before the revocation.`,
    calls,
    previous: { ...previous, [previous.scope]: { ...target, disabled: true } },
    commands: calls.length === 0 ? [] : commands(conn, revoked.trustId, previous.scope, false),
  };
  const evidence = await run(api, calls, conn.projectId);
  const { verified, line } = await verify(api, plan, previous, conn.projectId);
  return { plan, verified, evidence: [...evidence, line] };
}
