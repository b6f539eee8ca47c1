import { randomBytes } from "node:crypto";
import { bearer, json, logged, pageOf, parseJson, serveCloud, type CloudReply, type CloudRequest, type CloudWrite } from "../cloud/server";
import type { GcpSimClient, GcpSimFixture, GcpSimPool, GcpSimProvider } from "./model";
import { newServiceAccountKey } from "./keys";
import { handleToken, type GcpAccessToken } from "./token";

// Google Cloud simulator: the OAuth token endpoint for service-account keys, and the IAM v1
// REST calls a trust reader and a revoker make (workload identity pools and providers: list,
// get, patch → Operation; service accounts: list, getIamPolicy). Shapes from the IAM v1
// discovery document (cloud-trust.md §3.5, GCP-D); errors in Google's `{ error: { code,
// message, status } }` form. Default-valued fields (`disabled: false`) are omitted, as proto3
// JSON does.

export interface GcpSimOptions {
  port?: number;
  fixture: GcpSimFixture;
  /** Keys the token endpoint accepts besides those made by serviceAccountKey(). */
  clients?: GcpSimClient[];
  /** Page size when the request gives none (Google's default is 50). */
  defaultPageSize?: number;
  tokenTtlMs?: number;
}

export interface GcpSim {
  url: string;
  /** Every PATCH received, whatever its outcome (live array). */
  writeLog: CloudWrite[];
  /** A new key for this service account, accepted from now on: the JSON key file, token_uri = this simulator. */
  serviceAccountKey(clientEmail: string, access?: GcpSimClient["access"]): Record<string, string>;
  /** The pools as they are now (patches applied). */
  pools(): GcpSimPool[];
  close(): Promise<void>;
}

function gerror(code: number, status: string, message: string): CloudReply {
  return json(code, { error: { code, message, status } });
}

const UNAUTHENTICATED = (): CloudReply =>
  gerror(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.");

const POOLS = /^\/v1\/projects\/([^/]+)\/locations\/global\/workloadIdentityPools(?:\/([^/:]+)(?:\/providers(?:\/([^/:]+))?)?)?(?:\/operations\/([^/]+))?$/;
const ACCOUNTS = /^\/v1\/projects\/([^/]+)\/serviceAccounts(?:\/([^/:]+):getIamPolicy)?$/;
const MUTABLE = new Set(["disabled", "displayName", "description", "attributeCondition"]);

export async function startGcpSim(options: GcpSimOptions): Promise<GcpSim> {
  const fixture = structuredClone(options.fixture);
  const tokens = new Map<string, GcpAccessToken>();
  const clients = [...(options.clients ?? [])];
  const writeLog: CloudWrite[] = [];
  const pageDefault = options.defaultPageSize ?? 50;
  const ttl = options.tokenTtlMs ?? 3_600_000;
  const number = fixture.projectNumber;
  let ownUrl = "";

  const poolName = (p: GcpSimPool): string => `projects/${number}/locations/global/workloadIdentityPools/${p.id}`;
  const poolJson = (p: GcpSimPool): Record<string, unknown> => ({
    name: poolName(p),
    ...(p.displayName ? { displayName: p.displayName } : {}),
    ...(p.description ? { description: p.description } : {}),
    state: "ACTIVE",
    ...(p.disabled === true ? { disabled: true } : {}),
  });
  const providerJson = (pool: GcpSimPool, r: GcpSimProvider): Record<string, unknown> => ({
    name: `${poolName(pool)}/providers/${r.id}`,
    ...(r.displayName ? { displayName: r.displayName } : {}),
    ...(r.description ? { description: r.description } : {}),
    state: "ACTIVE",
    ...(r.disabled === true ? { disabled: true } : {}),
    attributeMapping: r.attributeMapping,
    ...(r.attributeCondition ? { attributeCondition: r.attributeCondition } : {}),
    oidc: { issuerUri: r.oidc.issuerUri, ...(r.oidc.allowedAudiences && r.oidc.allowedAudiences.length > 0 ? { allowedAudiences: r.oidc.allowedAudiences } : {}) },
  });
  const pageSize = (url: URL): number => {
    const n = Number(url.searchParams.get("pageSize") ?? pageDefault);
    return Number.isInteger(n) && n > 0 ? Math.min(n, 100) : pageDefault;
  };
  const operation = (resource: string, type: string, response: Record<string, unknown>): Record<string, unknown> => ({
    name: `${resource}/operations/${randomBytes(12).toString("hex")}`,
    metadata: { "@type": `type.googleapis.com/google.iam.v1.${type}OperationMetadata` },
    done: true,
    response: { "@type": `type.googleapis.com/google.iam.v1.${type}`, ...response },
  });

  /** Applies `updateMask` fields of the body to the target; an error reply when the mask is bad. */
  const patch = (req: CloudRequest, target: GcpSimPool | GcpSimProvider, resource: string, write: boolean): CloudReply | null => {
    if (!write) return gerror(403, "PERMISSION_DENIED", `Permission 'iam.workloadIdentityPool${"providers" in target ? "s" : "Providers"}.update' denied on resource '//iam.googleapis.com/${resource}' (or it may not exist).`);
    const mask = (req.url.searchParams.get("updateMask") ?? "").split(",").filter((f) => f !== "");
    const body = parseJson(req.raw);
    if (mask.length === 0) return gerror(400, "INVALID_ARGUMENT", "Field update_mask is required.");
    if (typeof body !== "object" || body === null) return gerror(400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
    for (const f of mask) {
      if (!MUTABLE.has(f) || (f === "attributeCondition" && "providers" in target)) return gerror(400, "INVALID_ARGUMENT", `Invalid update_mask path: ${f}`);
      const v = (body as Record<string, unknown>)[f];
      if (f === "disabled" && v !== undefined && typeof v !== "boolean") return gerror(400, "INVALID_ARGUMENT", `Invalid value at 'disabled' (TYPE_BOOL), ${JSON.stringify(v)}`);
    }
    for (const f of mask) Object.assign(target, { [f]: (body as Record<string, unknown>)[f] ?? (f === "disabled" ? false : undefined) });
    return null;
  };

  const handleIam = (req: CloudRequest, auth: GcpAccessToken): CloudReply => {
    const path = req.url.pathname;
    const write = auth.access === "write";
    const pools = POOLS.exec(path);
    if (pools !== null) {
      const [, project, poolId, providerId, operationId] = pools;
      if (project !== fixture.projectId && project !== number) return gerror(403, "PERMISSION_DENIED", `Permission 'iam.workloadIdentityPools.list' denied on resource '//iam.googleapis.com/projects/${project}/locations/global' (or it may not exist).`);
      if (poolId === undefined) {
        if (req.method !== "GET") return gerror(405, "METHOD_NOT_ALLOWED", "Method not allowed.");
        const page = pageOf(fixture.pools, req.url.searchParams.get("pageToken"), pageSize(req.url));
        return json(200, { workloadIdentityPools: page.slice.map(poolJson), ...(page.next ? { nextPageToken: page.next } : {}) });
      }
      const pool = fixture.pools.find((p) => p.id === poolId);
      if (pool === undefined) return gerror(404, "NOT_FOUND", `Requested entity was not found.`);
      if (operationId !== undefined) return json(200, { name: path.slice(4), done: true });
      if (path.endsWith("/providers")) {
        if (req.method !== "GET") return gerror(405, "METHOD_NOT_ALLOWED", "Method not allowed.");
        const page = pageOf(pool.providers, req.url.searchParams.get("pageToken"), pageSize(req.url));
        return json(200, { workloadIdentityPoolProviders: page.slice.map((r) => providerJson(pool, r)), ...(page.next ? { nextPageToken: page.next } : {}) });
      }
      if (providerId === undefined) {
        if (req.method === "GET") return json(200, poolJson(pool));
        if (req.method !== "PATCH") return gerror(405, "METHOD_NOT_ALLOWED", "Method not allowed.");
        return logged(writeLog, req, patch(req, pool, poolName(pool), write) ?? json(200, operation(poolName(pool), "WorkloadIdentityPool", poolJson(pool))));
      }
      const provider = pool.providers.find((r) => r.id === providerId);
      if (provider === undefined) return gerror(404, "NOT_FOUND", "Requested entity was not found.");
      const name = `${poolName(pool)}/providers/${provider.id}`;
      if (req.method === "GET") return json(200, providerJson(pool, provider));
      if (req.method !== "PATCH") return gerror(405, "METHOD_NOT_ALLOWED", "Method not allowed.");
      return logged(writeLog, req, patch(req, provider, name, write) ?? json(200, operation(name, "WorkloadIdentityPoolProvider", providerJson(pool, provider))));
    }
    const accounts = ACCOUNTS.exec(path);
    if (accounts !== null) {
      const [, project, rawAccount] = accounts;
      const account = rawAccount === undefined ? undefined : decodeURIComponent(rawAccount);
      if (project !== "-" && !fixture.serviceAccounts.some((a) => a.projectId === project) && project !== fixture.projectId) {
        return gerror(403, "PERMISSION_DENIED", `Permission 'iam.serviceAccounts.list' denied on resource (or it may not exist).`);
      }
      if (account === undefined) {
        if (req.method !== "GET") return gerror(405, "METHOD_NOT_ALLOWED", "Method not allowed.");
        const mine = fixture.serviceAccounts.filter((a) => a.projectId === project);
        const page = pageOf(mine, req.url.searchParams.get("pageToken"), pageSize(req.url));
        return json(200, {
          accounts: page.slice.map((a) => ({ name: `projects/${a.projectId}/serviceAccounts/${a.email}`, projectId: a.projectId, uniqueId: uniqueId(a.email), email: a.email, ...(a.displayName ? { displayName: a.displayName } : {}), oauth2ClientId: uniqueId(a.email) })),
          ...(page.next ? { nextPageToken: page.next } : {}),
        });
      }
      if (req.method !== "POST") return gerror(405, "METHOD_NOT_ALLOWED", "getIamPolicy takes POST.");
      const sa = fixture.serviceAccounts.find((a) => (a.email === account || uniqueId(a.email) === account) && (project === "-" || project === a.projectId));
      if (sa === undefined) return gerror(404, "NOT_FOUND", `Unknown service account`);
      const etag = Buffer.from(JSON.stringify(sa.bindings)).toString("base64").slice(0, 12);
      return json(200, { version: 1, etag, ...(sa.bindings.length > 0 ? { bindings: sa.bindings } : {}) });
    }
    return gerror(404, "NOT_FOUND", `The requested URL ${path} was not found on this server.`);
  };

  const server = await serveCloud(options.port ?? 0, (req) => {
    if (req.url.pathname === "/token") return handleToken(req, clients, tokens, ownUrl, ttl);
    const token = bearer(req.headers);
    const auth = token === null ? undefined : tokens.get(token);
    if (auth === undefined || auth.expiresAt < Date.now()) return UNAUTHENTICATED();
    return handleIam(req, auth);
  });
  ownUrl = server.url;
  const serviceAccountKey = (clientEmail: string, access: GcpSimClient["access"] = "read"): Record<string, string> => {
    const { keyFile, client } = newServiceAccountKey(clientEmail, `${server.url}/token`, access);
    clients.push(client);
    return keyFile;
  };
  return { url: server.url, writeLog, serviceAccountKey, pools: () => structuredClone(fixture.pools), close: server.close };
}

/** A stable 21-digit numeric id per email, as Google gives service accounts. */
function uniqueId(email: string): string {
  let h = 1n;
  for (const c of email) h = (h * 131n + BigInt(c.charCodeAt(0))) % 10n ** 21n;
  return h.toString().padStart(21, "1");
}
