import { randomBytes, randomUUID } from "node:crypto";
import { bearer, json, logged, pageOf, parseJson, serveCloud, type CloudReply, type CloudRequest, type CloudWrite } from "../cloud/server";
import type { AzureSimApplication, AzureSimClient, AzureSimCredential, AzureSimFixture, AzureSimIdentity } from "./model";

// Azure simulator on one port: the Microsoft identity platform's client-credentials token
// endpoint (`POST /{tenant}/oauth2/v2.0/token`), Microsoft Graph v1.0 (`/v1.0/applications…`)
// and ARM (`/subscriptions/…`). A token is minted for one resource (the scope's host:
// graph.microsoft.com or management.azure.com) and only accepted there, as Entra does.
// Errors: the identity platform's `{ error, error_description, error_codes }`, Graph's and
// ARM's `{ error: { code, message } }`.

export interface AzureSimOptions {
  port?: number;
  fixture: AzureSimFixture;
  clients: AzureSimClient[];
  /** Graph page size when the request gives no $top (Graph's default is 100). */
  defaultPageSize?: number;
}

export interface AzureSim {
  url: string;
  /** Every DELETE, POST (to a collection) and PUT received, whatever its outcome (live array). */
  writeLog: CloudWrite[];
  fixture(): AzureSimFixture;
  close(): Promise<void>;
}

type Resource = "graph" | "arm";
interface Grant {
  client: AzureSimClient;
  resource: Resource;
  expiresAt: number;
}

const ARM_TYPE = "Microsoft.ManagedIdentity/userAssignedIdentities";
const FIC_TYPE = `${ARM_TYPE}/federatedIdentityCredentials`;
const API_VERSIONS = new Set(["2023-01-31", "2023-07-31-preview", "2024-11-30", "2025-01-31-preview"]);

function err(status: number, code: string, message: string): CloudReply {
  return json(status, { error: { code, message } });
}

function aadError(status: number, error: string, code: number, description: string): CloudReply {
  return json(status, { error, error_description: `AADSTS${code}: ${description}`, error_codes: [code], timestamp: new Date().toISOString(), trace_id: randomUUID(), correlation_id: randomUUID() });
}

const GRAPH_FIC = (c: AzureSimCredential, appId: string): Record<string, unknown> => ({
  "@odata.id": `https://graph.microsoft.com/v2/tenant/directoryObjects/${appId}/Microsoft.DirectoryServices.Application/federatedIdentityCredentials/${c.id}`,
  id: c.id,
  name: c.name,
  issuer: c.issuer,
  subject: c.subject,
  description: c.description ?? null,
  audiences: c.audiences,
});

export async function startAzureSim(options: AzureSimOptions): Promise<AzureSim> {
  const fixture = structuredClone(options.fixture);
  for (const app of fixture.applications) for (const c of app.federatedIdentityCredentials) c.id ??= randomUUID();
  const grants = new Map<string, Grant>();
  const writeLog: CloudWrite[] = [];
  const pageDefault = options.defaultPageSize ?? 100;

  const token = (req: CloudRequest, tenant: string): CloudReply => {
    if (tenant !== fixture.tenantId) return aadError(400, "invalid_request", 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
    const form = new URLSearchParams(req.raw);
    if (form.get("grant_type") !== "client_credentials") return aadError(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.");
    const client = options.clients.find((c) => c.clientId === form.get("client_id"));
    if (client === undefined) return aadError(400, "unauthorized_client", 700016, `Application with identifier '${form.get("client_id") ?? ""}' was not found in the directory '${tenant}'.`);
    if (client.clientSecret !== form.get("client_secret")) return aadError(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.");
    const scope = form.get("scope") ?? "";
    const resource: Resource | null = scope === "https://graph.microsoft.com/.default" ? "graph" : scope === "https://management.azure.com/.default" ? "arm" : null;
    if (resource === null) return aadError(400, "invalid_scope", 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.`);
    const access = `eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.sim-${resource}-${randomBytes(18).toString("base64url")}`;
    grants.set(access, { client, resource, expiresAt: Date.now() + 3_600_000 });
    return json(200, { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: access });
  };

  const graph = (req: CloudRequest, grant: Grant): CloudReply => {
    const path = req.url.pathname;
    if (path === "/v1.0/applications") {
      if (req.method !== "GET") return err(405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.");
      const select = (req.url.searchParams.get("$select") ?? "").split(",").filter((f) => f !== "");
      const top = Number(req.url.searchParams.get("$top") ?? pageDefault);
      const page = pageOf(fixture.applications, req.url.searchParams.get("$skiptoken"), Number.isInteger(top) && top > 0 ? Math.min(top, 999) : pageDefault);
      const full = (a: AzureSimApplication): Record<string, unknown> => ({ id: a.id, appId: a.appId, displayName: a.displayName, signInAudience: "AzureADMyOrg" });
      const next = page.next === null ? null : new URL(req.url.toString());
      next?.searchParams.set("$skiptoken", page.next as string);
      return json(200, {
        "@odata.context": `https://graph.microsoft.com/v1.0/$metadata#applications${select.length > 0 ? `(${select.join(",")})` : ""}`,
        value: page.slice.map((a) => (select.length === 0 ? full(a) : Object.fromEntries(Object.entries(full(a)).filter(([k]) => select.includes(k))))),
        ...(next !== null ? { "@odata.nextLink": next.toString() } : {}),
      });
    }
    const m = /^\/v1\.0\/applications\/([^/]+)\/federatedIdentityCredentials(?:\/([^/]+))?$/.exec(path);
    if (m === null) return err(400, "BadRequest", `Resource not found for the segment '${path.split("/")[2] ?? ""}'.`);
    const app = fixture.applications.find((a) => a.id === m[1]);
    if (app === undefined) return err(404, "Request_ResourceNotFound", `Resource '${m[1] ?? ""}' does not exist or one of its queried reference-property objects are not present.`);
    const key = m[2] === undefined ? undefined : decodeURIComponent(m[2]);
    if (key === undefined) {
      if (req.method === "GET") return json(200, { "@odata.context": `https://graph.microsoft.com/v1.0/$metadata#applications('${app.id}')/federatedIdentityCredentials`, value: app.federatedIdentityCredentials.map((c) => GRAPH_FIC(c, app.id)) });
      if (req.method !== "POST") return err(405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.");
      return logged(writeLog, req, createGraph(req, app, grant));
    }
    const i = app.federatedIdentityCredentials.findIndex((c) => c.id === key || c.name === key);
    if (req.method === "GET") return i < 0 ? err(404, "Request_ResourceNotFound", `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`) : json(200, GRAPH_FIC(app.federatedIdentityCredentials[i] as AzureSimCredential, app.id));
    if (req.method !== "DELETE") return err(405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.");
    if (grant.client.access !== "write") return logged(writeLog, req, err(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation."));
    if (i < 0) return logged(writeLog, req, err(404, "Request_ResourceNotFound", `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`));
    app.federatedIdentityCredentials.splice(i, 1);
    return logged(writeLog, req, { status: 204 });
  };

  const createGraph = (req: CloudRequest, app: AzureSimApplication, grant: Grant): CloudReply => {
    if (grant.client.access !== "write") return err(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
    const body = parseJson(req.raw) as Partial<AzureSimCredential> | null | undefined;
    if (typeof body !== "object" || body === null || typeof body.name !== "string" || typeof body.issuer !== "string" || !Array.isArray(body.audiences)) {
      return err(400, "Request_BadRequest", "A federated identity credential needs name, issuer, subject and audiences.");
    }
    if (app.federatedIdentityCredentials.some((c) => c.name === body.name)) return err(409, "Request_MultipleObjectsWithSameKeyValue", `FederatedIdentityCredential with name ${body.name} already exists.`);
    if (app.federatedIdentityCredentials.length >= 20) return err(400, "Request_BadRequest", "An application can have at most 20 federated identity credentials.");
    const created: AzureSimCredential = { id: randomUUID(), name: body.name, issuer: body.issuer, subject: body.subject ?? null, audiences: body.audiences, description: body.description ?? null };
    app.federatedIdentityCredentials.push(created);
    return json(201, { "@odata.context": `https://graph.microsoft.com/v1.0/$metadata#applications('${app.id}')/federatedIdentityCredentials/$entity`, ...GRAPH_FIC(created, app.id) });
  };

  const armIdentity = (u: AzureSimIdentity): Record<string, unknown> => ({
    id: `/subscriptions/${fixture.subscriptionId}/resourcegroups/${u.resourceGroup}/providers/${ARM_TYPE}/${u.name}`,
    name: u.name,
    type: ARM_TYPE,
    location: u.location,
    tags: {},
    properties: { tenantId: fixture.tenantId, principalId: u.principalId, clientId: u.clientId },
  });
  const armFic = (u: AzureSimIdentity, c: AzureSimCredential): Record<string, unknown> => ({
    id: `/subscriptions/${fixture.subscriptionId}/resourcegroups/${u.resourceGroup}/providers/${ARM_TYPE}/${u.name}/federatedIdentityCredentials/${c.name}`,
    name: c.name,
    type: FIC_TYPE,
    properties: { issuer: c.issuer, subject: c.subject, audiences: c.audiences },
  });

  const arm = (req: CloudRequest, grant: Grant): CloudReply => {
    const version = req.url.searchParams.get("api-version");
    if (version === null) return err(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
    if (!API_VERSIONS.has(version)) return err(400, "InvalidApiVersionParameter", `The api-version '${version}' is invalid. The supported versions are '${[...API_VERSIONS].join(",")}'.`);
    const path = req.url.pathname;
    const list = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities$/i.exec(path);
    if (list !== null) {
      if (list[1] !== fixture.subscriptionId) return err(404, "SubscriptionNotFound", `The subscription '${list[1] ?? ""}' could not be found.`);
      return json(200, { value: fixture.identities.map(armIdentity) });
    }
    const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/([^/]+)\/federatedIdentityCredentials(?:\/([^/]+))?$/i.exec(path);
    if (m === null) return err(404, "InvalidResourceType", `The resource type could not be found in the namespace for api version '${version}'.`);
    const u = fixture.identities.find((x) => m[1] === fixture.subscriptionId && x.resourceGroup.toLowerCase() === (m[2] as string).toLowerCase() && x.name === m[3]);
    if (u === undefined) return err(404, "ResourceNotFound", `The Resource '${ARM_TYPE}/${m[3] ?? ""}' under resource group '${m[2] ?? ""}' was not found.`);
    const name = m[4];
    if (name === undefined) return req.method === "GET" ? json(200, { value: u.federatedIdentityCredentials.map((c) => armFic(u, c)) }) : err(405, "MethodNotAllowed", "The requested method is not allowed.");
    const i = u.federatedIdentityCredentials.findIndex((c) => c.name === name);
    if (req.method === "GET") return i < 0 ? err(404, "NotFound", `Federated identity credential '${name}' not found.`) : json(200, armFic(u, u.federatedIdentityCredentials[i] as AzureSimCredential));
    const denied = (): CloudReply => err(403, "AuthorizationFailed", `The client '${grant.client.clientId}' does not have authorization to perform action '${FIC_TYPE}/${req.method === "DELETE" ? "delete" : "write"}' over scope '${path}' or the scope is invalid.`);
    if (req.method === "DELETE") {
      if (grant.client.access !== "write") return logged(writeLog, req, denied());
      if (i < 0) return logged(writeLog, req, { status: 204 });
      u.federatedIdentityCredentials.splice(i, 1);
      return logged(writeLog, req, { status: 200 });
    }
    if (req.method !== "PUT") return err(405, "MethodNotAllowed", "The requested method is not allowed.");
    if (grant.client.access !== "write") return logged(writeLog, req, denied());
    const body = parseJson(req.raw) as { properties?: Partial<AzureSimCredential> } | null | undefined;
    const p = body?.properties;
    if (p === undefined || typeof p.issuer !== "string" || !Array.isArray(p.audiences)) return logged(writeLog, req, err(400, "BadRequest", "properties.issuer and properties.audiences are required."));
    const c: AzureSimCredential = { name, issuer: p.issuer, subject: p.subject ?? null, audiences: p.audiences };
    if (i < 0) u.federatedIdentityCredentials.push(c);
    else u.federatedIdentityCredentials[i] = c;
    return logged(writeLog, req, json(i < 0 ? 201 : 200, armFic(u, c)));
  };

  const server = await serveCloud(options.port ?? 0, (req) => {
    const t = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(req.url.pathname);
    if (t !== null) return req.method === "POST" ? token(req, t[1] as string) : aadError(405, "invalid_request", 900561, "The endpoint only accepts POST requests.");
    const resource: Resource | null = req.url.pathname.startsWith("/v1.0/") ? "graph" : req.url.pathname.startsWith("/subscriptions/") ? "arm" : null;
    if (resource === null) return err(404, "NotFound", `No route for ${req.url.pathname}.`);
    const access = bearer(req.headers);
    const grant = access === null ? undefined : grants.get(access);
    if (grant === undefined || grant.expiresAt < Date.now()) {
      return resource === "graph" ? err(401, "InvalidAuthenticationToken", access === null ? "Access token is empty." : "Access token validation failure. Invalid audience.") : err(401, "InvalidAuthenticationToken", "The access token is invalid.");
    }
    if (grant.resource !== resource) {
      return resource === "graph" ? err(401, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.") : err(401, "InvalidAuthenticationToken", "The access token has an invalid audience (expected https://management.azure.com/).");
    }
    return resource === "graph" ? graph(req, grant) : arm(req, grant);
  });
  return { url: server.url, writeLog, fixture: () => structuredClone(fixture), close: server.close };
}
