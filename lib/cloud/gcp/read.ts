import "server-only";
import { isSupportedIssuer } from "../../trust/load";
import { gcpProvider } from "../../trust/parse-providers";
import { PolicyError } from "../../trust/parse-issues";
import type { GcpTrust } from "../../trust/types";
import { CloudReadError, type TrustDetails, type TrustSourceRead } from "../types";
import { gcpApi, gcpError, type GcpApi, type GcpConnection } from "./client";

// Google Cloud's trusts: every OIDC provider of every workload identity pool of the project,
// parsed by lib/trust's parser (the REST resource is what `gcloud … providers list
// --format=json` prints), and who can impersonate which service account through each pool:
// the `principal(Set)://…/workloadIdentityPools/POOL/…` members of service accounts'
// policies with a role that lets them mint the account's tokens.

/** Roles that let a federated principal act as the service account. */
const IMPERSONATING = new Set(["roles/iam.workloadIdentityUser", "roles/iam.serviceAccountTokenCreator"]);
const MEMBER = /^principal(?:Set)?:\/\/iam\.googleapis\.com\/(projects\/[^/]+\/locations\/global\/workloadIdentityPools\/[^/]+)\/(.+)$/;

interface RawPool {
  name: string;
  disabled?: boolean;
}

export interface GcpPoolBinding {
  role: string;
  serviceAccount: string;
  member: string;
}

async function listAll<T>(api: GcpApi, path: string, key: string): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const page = await api.request<Record<string, unknown>>("GET", `${path}${path.includes("?") ? "&" : "?"}pageSize=100${token ? `&pageToken=${encodeURIComponent(token)}` : ""}`);
    const items = page[key] ?? [];
    if (!Array.isArray(items)) throw new CloudReadError(`Google Cloud's answer to GET ${path} has no ${key} list: check that the endpoint is the IAM API.`, "shape");
    out.push(...(items as T[]));
    token = typeof page.nextPageToken === "string" && page.nextPageToken !== "" ? page.nextPageToken : undefined;
  } while (token !== undefined);
  return out;
}

/** Pool name (projects/NUMBER/…/workloadIdentityPools/POOL) → the bindings naming it, and what could not be read. */
async function poolBindings(api: GcpApi, projects: string[], warnings: string[]): Promise<{ bindings: Map<string, GcpPoolBinding[]>; unread: string[] }> {
  const bindings = new Map<string, GcpPoolBinding[]>();
  const unread: string[] = [];
  for (const project of projects) {
    let accounts: { email: string }[];
    try {
      accounts = await listAll<{ email: string }>(api, `v1/projects/${encodeURIComponent(project)}/serviceAccounts`, "accounts");
    } catch (error) {
      warnings.push(`Service accounts of project ${project} not read: ${gcpError(error, "listing service accounts", project).message}`);
      unread.push(project);
      continue;
    }
    for (const { email } of accounts) {
      let policy: { bindings?: { role: string; members?: string[] }[] };
      try {
        policy = await api.request("POST", `v1/projects/${encodeURIComponent(project)}/serviceAccounts/${encodeURIComponent(email)}:getIamPolicy`, { options: { requestedPolicyVersion: 3 } });
      } catch (error) {
        warnings.push(`IAM policy of ${email} not read: ${gcpError(error, `reading the IAM policy of ${email}`, project).message}`);
        unread.push(email);
        continue;
      }
      for (const b of policy.bindings ?? []) {
        if (!IMPERSONATING.has(b.role)) continue;
        for (const member of b.members ?? []) {
          const m = MEMBER.exec(member);
          if (m === null) continue;
          const list = bindings.get(m[1] as string) ?? [];
          list.push({ role: b.role, serviceAccount: email, member });
          bindings.set(m[1] as string, list);
        }
      }
    }
  }
  return { bindings, unread };
}

export function bindingLine(b: GcpPoolBinding): string {
  const who = MEMBER.exec(b.member)?.[2] ?? b.member;
  return `${b.role} on ${b.serviceAccount} for ${who === "*" ? "every identity of the pool" : who}`;
}

export async function readGcp(conn: GcpConnection): Promise<TrustSourceRead> {
  const api = await gcpApi(conn);
  const project = conn.projectId;
  const warnings: string[] = [];
  let pools: RawPool[];
  try {
    pools = await listAll<RawPool>(api, `v1/projects/${encodeURIComponent(project)}/locations/global/workloadIdentityPools`, "workloadIdentityPools");
  } catch (error) {
    throw gcpError(error, `listing the workload identity pools of project ${project}`, project);
  }
  const trusts: GcpTrust[] = [];
  const poolOf = new Map<string, RawPool>();
  for (const pool of pools) {
    let providers: unknown[];
    try {
      providers = await listAll<unknown>(api, `v1/${pool.name}/providers`, "workloadIdentityPoolProviders");
    } catch (error) {
      warnings.push(`Providers of pool ${pool.name} not read: ${gcpError(error, `listing the providers of ${pool.name}`, project).message}`);
      continue;
    }
    for (const [i, raw] of providers.entries()) {
      try {
        const trust = gcpProvider(raw, `${pool.name}/providers[${i}]`);
        // Providers of other issuers (GitLab, AWS) are not trusts lib/trust evaluates; GitHub's and Buildkite's are.
        if (trust === null || !isSupportedIssuer(trust.issuer)) continue;
        // A disabled pool refuses every exchange, whatever its providers say.
        trusts.push(pool.disabled === true ? { ...trust, disabled: true } : trust);
        poolOf.set(trust.id, pool);
      } catch (error) {
        if (!(error instanceof PolicyError)) throw error;
        warnings.push(`Provider skipped: ${error.message}`);
      }
    }
  }
  const { bindings, unread } = await poolBindings(api, conn.serviceAccountProjects ?? [project], warnings);
  const details: Record<string, TrustDetails> = {};
  for (const trust of trusts) {
    const pool = poolOf.get(trust.id) as RawPool;
    const lines = (bindings.get(pool.name) ?? []).map(bindingLine);
    const number = /^projects\/([^/]+)\//.exec(trust.id)?.[1] ?? project;
    details[trust.id] = {
      account: number === project ? project : `${project} (${number})`,
      resource: `${trust.id}${pool.disabled === true ? " (pool disabled)" : ""}`,
      permissions: lines,
      permissionsNote:
        unread.length > 0
          ? `Some service accounts' policies could not be read (${unread.join(", ")}); the list may be incomplete.`
          : lines.length === 0
            ? `No service account of ${(conn.serviceAccountProjects ?? [project]).join(", ")} lets this pool impersonate it; roles granted directly to the pool's principals on resources are not read.`
            : "The service accounts' own roles on projects and resources are not read.",
    };
  }
  return { trusts, details, warnings };
}
