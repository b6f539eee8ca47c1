import "server-only";
import { CloudReadError } from "../types";

// Vault's HTTP API through plain fetch: a token in X-Vault-Token, a namespace in
// X-Vault-Namespace, errors as `{ "errors": [...] }`. No client library: the few calls are
// documented HTTP, and the maintained Node clients wrap fetch without adding what we need.

export interface VaultConnection {
  /** VAULT_ADDR, e.g. https://vault.acme.internal:8200. */
  address: string;
  token: string;
  /** The JWT auth method's path without `auth/`, e.g. `jwt`. */
  mount: string;
  namespace?: string;
}

export class VaultHttpError extends Error {
  constructor(
    readonly status: number,
    readonly errors: string[],
  ) {
    super(`${status} ${errors.join("; ") || "no errors given"}`);
  }
}

export interface VaultApi {
  request<T>(method: "GET" | "POST" | "DELETE", path: string, body?: unknown): Promise<{ status: number; data: T | null }>;
}

export function vaultApi(conn: VaultConnection): VaultApi {
  const base = conn.address.replace(/\/+$/, "");
  return {
    async request<T>(method: "GET" | "POST" | "DELETE", path: string, body?: unknown): Promise<{ status: number; data: T | null }> {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { "x-vault-token": conn.token, ...(conn.namespace ? { "x-vault-namespace": conn.namespace } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      const data = text === "" ? null : (JSON.parse(text) as unknown);
      if (!res.ok) throw new VaultHttpError(res.status, Array.isArray((data as { errors?: unknown } | null)?.errors) ? ((data as { errors: unknown[] }).errors.map(String)) : []);
      return { status: res.status, data: data as T | null };
    },
  };
}

export function vaultError(error: unknown, what: string, conn: VaultConnection): CloudReadError {
  if (error instanceof CloudReadError) return error;
  const where = `auth/${conn.mount}`;
  if (!(error instanceof VaultHttpError)) {
    return new CloudReadError(`Could not reach Vault at ${conn.address} while ${what} (${error instanceof Error ? error.message : String(error)}): check VAULT_ADDR and the network.`, "network");
  }
  const detail = error.errors.join("; ");
  if (error.status === 403) {
    return new CloudReadError(
      `Vault refused ${what} (${detail || "permission denied"}): the token is invalid or expired${conn.namespace ? ` in namespace ${conn.namespace}` : ""}, or its policy lacks "list" on ${where}/role, "read" on ${where}/role/* and ${where}/config ("delete" and "create" on ${where}/role/* to revoke and restore).`,
      "denied",
    );
  }
  if (error.status === 404 && /no handler for route/.test(detail)) {
    return new CloudReadError(`No auth method is mounted at ${where}${conn.namespace ? ` in namespace ${conn.namespace}` : ""}: check the mount path (vault auth list).`, "shape");
  }
  return new CloudReadError(`Vault answered ${error.status} while ${what}${detail ? ` (${detail})` : ""}.`, error.status >= 500 ? "network" : "shape");
}
