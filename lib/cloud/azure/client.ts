import "server-only";
import { CloudReadError } from "../types";

// Microsoft Graph and ARM through plain fetch, with client-credentials tokens from the
// Microsoft identity platform (one per resource: Graph's and ARM's `.default` scopes).
// @azure/identity is not used: its MSAL core insists on an HTTPS authority and instance
// discovery against login.microsoftonline.com, which neither a simulator nor an offline test
// offers, and client credentials are one documented POST.

export interface AzureConnection {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Reads user-assigned managed identities of this subscription (ARM) when given. */
  subscriptionId?: string;
  /** Default https://login.microsoftonline.com. */
  loginEndpoint?: string;
  /** Default https://graph.microsoft.com. */
  graphEndpoint?: string;
  /** Default https://management.azure.com. */
  armEndpoint?: string;
}

export const ARM_API_VERSION = "2023-01-31";
type Resource = "graph" | "arm";

export interface AzureApi {
  /** Absolute URL (a nextLink) or a path under the resource's endpoint. */
  request<T>(resource: Resource, method: "GET" | "POST" | "PUT" | "DELETE", pathOrUrl: string, body?: unknown): Promise<{ status: number; data: T }>;
}

function trim(url: string): string {
  return url.replace(/\/+$/, "");
}

function messageOf(data: unknown): string {
  if (typeof data !== "object" || data === null) return "no details";
  const e = (data as { error?: unknown; error_description?: unknown }).error;
  if (typeof e === "object" && e !== null) return `${String((e as { code?: unknown }).code ?? "")}: ${String((e as { message?: unknown }).message ?? "")}`;
  if (typeof (data as { error_description?: unknown }).error_description === "string") return (data as { error_description: string }).error_description;
  return String(e ?? "no details");
}

export class AzureHttpError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(`${status} ${detail}`);
  }
}

export function azureError(error: unknown, what: string, conn: AzureConnection): CloudReadError {
  if (error instanceof CloudReadError) return error;
  if (!(error instanceof AzureHttpError)) {
    return new CloudReadError(`Could not reach Azure while ${what} (${error instanceof Error ? error.message : String(error)}): check the endpoints and the network.`, "network");
  }
  if (error.status === 401) return new CloudReadError(`Azure refused the connection's token while ${what} (${error.detail}): check the tenant, client id and client secret.`, "credentials");
  if (error.status === 403) {
    return new CloudReadError(
      `Azure denied ${what} (${error.detail}): grant app ${conn.clientId} the Graph application permission Application.Read.All (Application.ReadWrite.OwnedBy to revoke) with admin consent${conn.subscriptionId ? `, and the Reader role (Managed Identity Contributor to revoke) on subscription ${conn.subscriptionId}` : ""}.`,
      "denied",
    );
  }
  return new CloudReadError(`Azure answered ${error.status} while ${what} (${error.detail}).`, error.status === 404 ? "shape" : "network");
}

export function azureApi(conn: AzureConnection): AzureApi {
  const login = trim(conn.loginEndpoint ?? "https://login.microsoftonline.com");
  const bases: Record<Resource, string> = { graph: trim(conn.graphEndpoint ?? "https://graph.microsoft.com"), arm: trim(conn.armEndpoint ?? "https://management.azure.com") };
  const scopes: Record<Resource, string> = { graph: "https://graph.microsoft.com/.default", arm: "https://management.azure.com/.default" };
  const tokens = new Map<Resource, Promise<string>>();

  const token = (resource: Resource): Promise<string> => {
    const cached = tokens.get(resource);
    if (cached !== undefined) return cached;
    const minted = (async () => {
      let res: Response;
      try {
        res = await fetch(`${login}/${encodeURIComponent(conn.tenantId)}/oauth2/v2.0/token`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ grant_type: "client_credentials", client_id: conn.clientId, client_secret: conn.clientSecret, scope: scopes[resource] }),
        });
      } catch (error) {
        throw new CloudReadError(`Could not reach the Microsoft identity platform at ${login} (${error instanceof Error ? error.message : String(error)}): check the login endpoint and the network.`, "network");
      }
      const data = (await res.json().catch(() => null)) as { access_token?: string } | null;
      if (!res.ok || typeof data?.access_token !== "string") {
        throw new CloudReadError(`Microsoft Entra refused the connection's client credentials (${messageOf(data)}): check the tenant id, the client id and that the client secret is the secret's value and has not expired.`, "credentials");
      }
      return data.access_token;
    })();
    tokens.set(resource, minted);
    minted.catch(() => tokens.delete(resource));
    return minted;
  };

  return {
    async request<T>(resource: Resource, method: "GET" | "POST" | "PUT" | "DELETE", pathOrUrl: string, body?: unknown): Promise<{ status: number; data: T }> {
      const url = /^https?:\/\//.test(pathOrUrl) ? pathOrUrl : `${bases[resource]}${pathOrUrl}`;
      const res = await fetch(url, {
        method,
        headers: { authorization: `Bearer ${await token(resource)}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      const data = text === "" ? null : (JSON.parse(text) as unknown);
      if (!res.ok) throw new AzureHttpError(res.status, messageOf(data));
      return { status: res.status, data: data as T };
    },
  };
}
