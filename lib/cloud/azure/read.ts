import "server-only";
import { isSupportedIssuer } from "../../trust/load";
import { PolicyError } from "../../trust/parse-issues";
import { azureCredential } from "../../trust/parse-providers";
import type { AzureTrust } from "../../trust/types";
import { CloudReadError, type TrustDetails, type TrustSourceRead } from "../types";
import { ARM_API_VERSION, azureApi, azureError, type AzureApi, type AzureConnection } from "./client";

// Entra's trusts: the federated identity credentials of every app registration the
// connection can see (Graph v1.0) and, with a subscription, of every user-assigned managed
// identity (ARM). Graph's and ARM's items have the shapes `az … federated-credential list`
// prints (ARM nests them under `properties`), so lib/trust's parser reads them as they come.

export type AzureParent =
  | { kind: "app"; objectId: string; appId: string; displayName: string }
  | { kind: "identity"; name: string; resourceGroup: string; clientId: string; subscriptionId: string };

export interface AzureLocated {
  trust: AzureTrust;
  parent: AzureParent;
  /** The credential as the API returned it (what a restore writes back). */
  raw: Record<string, unknown>;
}

interface Listing<T> {
  value?: T[];
  "@odata.nextLink"?: string;
  nextLink?: string;
}

async function listAll<T>(api: AzureApi, resource: "graph" | "arm", path: string): Promise<T[]> {
  const out: T[] = [];
  let next: string | undefined = path;
  while (next !== undefined) {
    const { data }: { data: Listing<T> } = await api.request<Listing<T>>(resource, "GET", next);
    if (!Array.isArray(data?.value)) throw new CloudReadError(`Azure's answer to GET ${path} has no value list: check that the endpoint is ${resource === "graph" ? "Microsoft Graph" : "Azure Resource Manager"}.`, "shape");
    out.push(...data.value);
    next = data["@odata.nextLink"] ?? data.nextLink;
  }
  return out;
}

function parse(raw: Record<string, unknown>, at: string, warnings: string[]): AzureTrust | null {
  try {
    const trust = azureCredential(raw, at);
    return isSupportedIssuer(trust.issuer) ? trust : null;
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    warnings.push(`Federated credential skipped: ${error.message}`);
    return null;
  }
}

const RESOURCE_GROUP = /\/resourceGroups\/([^/]+)\//i;

/** The GitHub credentials of one app registration or managed identity; throws what the API throws. */
export async function parentCredentials(api: AzureApi, parent: AzureParent, warnings: string[]): Promise<AzureLocated[]> {
  const [resource, path, label] =
    parent.kind === "app"
      ? (["graph", `/v1.0/applications/${encodeURIComponent(parent.objectId)}/federatedIdentityCredentials`, `applications/${parent.displayName}`] as const)
      : ([
          "arm",
          `/subscriptions/${encodeURIComponent(parent.subscriptionId)}/resourceGroups/${encodeURIComponent(parent.resourceGroup)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${encodeURIComponent(parent.name)}/federatedIdentityCredentials?api-version=${ARM_API_VERSION}`,
          `userAssignedIdentities/${parent.name}`,
        ] as const);
  const out: AzureLocated[] = [];
  for (const [i, raw] of (await listAll<Record<string, unknown>>(api, resource, path)).entries()) {
    const trust = parse(raw, `${label}/federatedIdentityCredentials[${i}]`, warnings);
    if (trust !== null) out.push({ trust, parent, raw });
  }
  return out;
}

export async function listAzureCredentials(api: AzureApi, conn: AzureConnection, warnings: string[]): Promise<AzureLocated[]> {
  const out: AzureLocated[] = [];
  let apps: { id: string; appId: string; displayName: string }[];
  try {
    apps = await listAll(api, "graph", "/v1.0/applications?$select=id,appId,displayName");
  } catch (error) {
    throw azureError(error, `listing the app registrations of tenant ${conn.tenantId}`, conn);
  }
  for (const app of apps) {
    const parent: AzureParent = { kind: "app", objectId: app.id, appId: app.appId, displayName: app.displayName };
    try {
      out.push(...(await parentCredentials(api, parent, warnings)));
    } catch (error) {
      warnings.push(`Federated credentials of app ${app.displayName} not read: ${azureError(error, `listing the federated credentials of ${app.displayName}`, conn).message}`);
    }
  }
  if (conn.subscriptionId === undefined) return out;
  const sub = conn.subscriptionId;
  let identities: { id: string; name: string; properties?: { clientId?: string } }[];
  try {
    identities = await listAll(api, "arm", `/subscriptions/${encodeURIComponent(sub)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=${ARM_API_VERSION}`);
  } catch (error) {
    warnings.push(`Managed identities of subscription ${sub} not read: ${azureError(error, `listing the user-assigned managed identities of subscription ${sub}`, conn).message}`);
    return out;
  }
  for (const identity of identities) {
    const parent: AzureParent = { kind: "identity", name: identity.name, resourceGroup: RESOURCE_GROUP.exec(identity.id)?.[1] ?? "", clientId: identity.properties?.clientId ?? "", subscriptionId: sub };
    try {
      out.push(...(await parentCredentials(api, parent, warnings)));
    } catch (error) {
      warnings.push(`Federated credentials of managed identity ${identity.name} not read: ${azureError(error, `listing the federated credentials of ${identity.name}`, conn).message}`);
    }
  }
  return out;
}

function details(conn: AzureConnection, l: AzureLocated): TrustDetails {
  const p = l.parent;
  return p.kind === "app"
    ? {
        account: `tenant ${conn.tenantId}`,
        resource: `app registration ${p.displayName} (client id ${p.appId}) / federated credential ${l.trust.name}`,
        permissions: [`signs in as app ${p.displayName} (client id ${p.appId})`],
        permissionsNote: "The app's role assignments and API permissions are not read.",
        clientId: p.appId,
      }
    : {
        account: `tenant ${conn.tenantId} / subscription ${p.subscriptionId}`,
        resource: `managed identity ${p.name} in ${p.resourceGroup} (client id ${p.clientId}) / federated credential ${l.trust.name}`,
        permissions: [`signs in as managed identity ${p.name} (client id ${p.clientId})`],
        permissionsNote: "The identity's role assignments are not read.",
        ...(p.clientId ? { clientId: p.clientId } : {}),
      };
}

export async function readAzure(conn: AzureConnection): Promise<TrustSourceRead> {
  const warnings: string[] = [];
  const located = await listAzureCredentials(azureApi(conn), conn, warnings);
  return { trusts: located.map((l) => l.trust), details: Object.fromEntries(located.map((l) => [l.trust.id, details(conn, l)])), warnings };
}
