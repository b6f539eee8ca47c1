import "server-only";
import { readFileSync } from "node:fs";
import type { Env } from "@/lib/env";
import { open, seal } from "@/lib/security/secret-box";
import type { TrustConnectionSettings, TrustProvider } from "@/lib/db/schema/trust";
import type { TrustConnections } from "./readers";
import type { z } from "zod";
import type { CredentialsSchema } from "./trust-sources-schema";

// An API source's connection: its non-secret settings plus its credentials — sealed in the
// database, or the provider's standard environment variables (read through lib/env.ts). The
// credentials are opened only here, just before a read, and never leave the reader call.

export const CREDENTIALS_PURPOSE = "trust-source-credentials";
type Credentials = z.infer<typeof CredentialsSchema>;

export type ConnectionResult<P extends TrustProvider> = { ok: true; conn: TrustConnections[P] } | { ok: false; message: string };

/** Settings that say where credentials are sent. */
const ENDPOINT_SETTINGS = ["endpoint", "tokenUrl", "loginEndpoint", "graphEndpoint", "armEndpoint", "address"] as const;

/** The operator's endpoints (lib/env.ts) for credentials that come from the environment. */
function environmentEndpoints(provider: TrustProvider, env: Env): Pick<TrustConnectionSettings, (typeof ENDPOINT_SETTINGS)[number]> {
  return {
    endpoint: provider === "aws" ? env.AWS_ENDPOINT_URL_IAM : provider === "gcp" ? env.GCP_IAM_ENDPOINT : undefined,
    tokenUrl: env.GCP_TOKEN_URL,
    loginEndpoint: env.AZURE_LOGIN_ENDPOINT,
    graphEndpoint: env.AZURE_GRAPH_ENDPOINT,
    armEndpoint: env.AZURE_ARM_ENDPOINT,
    address: env.VAULT_ADDR,
  };
}

/**
 * Invariant: credentials from the environment go only where the environment says. A source
 * using them may not name an endpoint or address of its own — whoever can edit sources could
 * otherwise send the server's Vault token or Azure client secret to a host of theirs.
 */
export function environmentEndpointProblems(provider: TrustProvider, s: TrustConnectionSettings): string[] {
  const hint: Record<TrustProvider, string> = { aws: "AWS_ENDPOINT_URL_IAM", gcp: "GCP_IAM_ENDPOINT / GCP_TOKEN_URL", azure: "AZURE_LOGIN_ENDPOINT / AZURE_GRAPH_ENDPOINT / AZURE_ARM_ENDPOINT", vault: "VAULT_ADDR" };
  return ENDPOINT_SETTINGS.filter((k) => s[k]).map((k) => `settings.${k} cannot be set when the credentials come from the environment: the server's credentials go only to the endpoints its operator sets (${hint[provider]}); leave it empty, or store credentials with the source`);
}

/** What a provider needs besides its credentials, as sentences naming the setting. */
export function missingSettings(provider: TrustProvider, s: TrustConnectionSettings, fromEnvironment = false): string[] {
  const need: Record<TrustProvider, (keyof TrustConnectionSettings)[]> = {
    aws: ["region"],
    gcp: ["projectId"],
    azure: ["tenantId", "clientId"],
    // From the environment, Vault's address is VAULT_ADDR (checked when the source is read).
    vault: fromEnvironment ? ["mount"] : ["address", "mount"],
  };
  return need[provider].filter((k) => !s[k]).map((k) => `settings.${k} is required for ${provider}`);
}

/** The stored credentials a provider needs, as sentences naming the field. */
export function missingCredentials(provider: TrustProvider, c: Credentials): string[] {
  const need: Record<TrustProvider, (keyof Credentials)[]> = {
    aws: ["accessKeyId", "secretAccessKey"],
    gcp: ["serviceAccountKey"],
    azure: ["clientSecret"],
    vault: ["token"],
  };
  const out = need[provider].filter((k) => !c[k]).map((k) => `credentials.${k} is required for ${provider}`);
  if (provider === "gcp" && c.serviceAccountKey) {
    try {
      const key = JSON.parse(c.serviceAccountKey) as { type?: unknown };
      if (key.type !== "service_account") out.push("credentials.serviceAccountKey is not a service-account key (its type must be service_account)");
    } catch {
      out.push("credentials.serviceAccountKey is not JSON: paste the key file's whole text");
    }
  }
  return out;
}

export function sealCredentials(c: Credentials): string {
  return seal(CREDENTIALS_PURPOSE, JSON.stringify(c));
}

/** Responder (write) credentials are sealed under their own purpose: a read credential's box never opens them. */
export const RESPONDER_CREDENTIALS_PURPOSE = "trust-source-responder-credentials";

export function sealResponderCredentials(c: Credentials): string {
  return seal(RESPONDER_CREDENTIALS_PURPOSE, JSON.stringify(c));
}

/** The provider's responder variables (lib/env.ts), or a sentence naming the one missing. */
function responderFromEnvironment(provider: TrustProvider, env: Env): { ok: true; c: Credentials } | { ok: false; message: string } {
  const missing = (name: string) => ({ ok: false as const, message: `Responder credentials come from the environment, but ${name} is not set on the server: set it, or store responder credentials with the source.` });
  switch (provider) {
    case "aws":
      if (!env.AWS_RESPONDER_ACCESS_KEY_ID) return missing("AWS_RESPONDER_ACCESS_KEY_ID");
      if (!env.AWS_RESPONDER_SECRET_ACCESS_KEY) return missing("AWS_RESPONDER_SECRET_ACCESS_KEY");
      return { ok: true, c: { accessKeyId: env.AWS_RESPONDER_ACCESS_KEY_ID, secretAccessKey: env.AWS_RESPONDER_SECRET_ACCESS_KEY } };
    case "gcp": {
      if (!env.GCP_RESPONDER_KEY_FILE) return missing("GCP_RESPONDER_KEY_FILE");
      try {
        return { ok: true, c: { serviceAccountKey: readFileSync(env.GCP_RESPONDER_KEY_FILE, "utf8") } };
      } catch (err) {
        return { ok: false, message: `GCP_RESPONDER_KEY_FILE names a file the server cannot read (${(err as NodeJS.ErrnoException).code ?? "error"}): fix the path or its permissions.` };
      }
    }
    case "azure":
      if (!env.AZURE_RESPONDER_CLIENT_ID) return missing("AZURE_RESPONDER_CLIENT_ID");
      return env.AZURE_RESPONDER_CLIENT_SECRET ? { ok: true, c: { clientId: env.AZURE_RESPONDER_CLIENT_ID, clientSecret: env.AZURE_RESPONDER_CLIENT_SECRET } } : missing("AZURE_RESPONDER_CLIENT_SECRET");
    case "vault":
      return env.VAULT_RESPONDER_TOKEN ? { ok: true, c: { token: env.VAULT_RESPONDER_TOKEN } } : missing("VAULT_RESPONDER_TOKEN");
  }
}

/**
 * The connection with write access for revocation, or why there is none. The same settings and
 * the same endpoint rule as the read connection (environment credentials go only to the
 * operator's endpoints); only the credentials differ.
 */
export function responderConnectionOf<P extends TrustProvider>(
  provider: P,
  source: { settings: TrustConnectionSettings; responderCredentialsSealed: string | null; responderCredentialsFrom: "stored" | "environment" | "none" },
  env: Env,
): ConnectionResult<P> {
  if (source.responderCredentialsFrom === "none") return { ok: false, message: "This trust source has no responder credentials (write access): run the commands shown by hand, or add responder credentials in Settings → Cloud trust." };
  let creds: Credentials;
  if (source.responderCredentialsFrom === "environment") {
    const r = responderFromEnvironment(provider, env);
    if (!r.ok) return r;
    creds = r.c;
  } else {
    try {
      creds = JSON.parse(open(RESPONDER_CREDENTIALS_PURPOSE, source.responderCredentialsSealed ?? "")) as Credentials;
    } catch {
      return { ok: false, message: "The stored responder credentials can no longer be opened (AUTH_SECRET changed since they were saved): set them again in Settings → Cloud trust." };
    }
  }
  // Azure: the responder's own app registration, when it has one.
  const settings = provider === "azure" && creds.clientId ? { ...source.settings, clientId: creds.clientId } : source.settings;
  return connectionOfCredentials(provider, settings, creds, source.responderCredentialsFrom === "environment", env);
}

function fromEnvironment(provider: TrustProvider, env: Env): { ok: true; c: Credentials } | { ok: false; message: string } {
  const missing = (name: string) => ({ ok: false as const, message: `Credentials come from the environment, but ${name} is not set on the server: set it and read again, or store credentials with the source.` });
  switch (provider) {
    case "aws":
      // Unset keys: the SDK's default chain (instance role, web identity) takes over — null credentials.
      return { ok: true, c: env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN } : {} };
    case "gcp": {
      if (!env.GOOGLE_APPLICATION_CREDENTIALS) return { ok: true, c: {} };
      try {
        return { ok: true, c: { serviceAccountKey: readFileSync(env.GOOGLE_APPLICATION_CREDENTIALS, "utf8") } };
      } catch (err) {
        return { ok: false, message: `GOOGLE_APPLICATION_CREDENTIALS names a file the server cannot read (${(err as NodeJS.ErrnoException).code ?? "error"}): fix the path or its permissions, then read again.` };
      }
    }
    case "azure":
      return env.AZURE_CLIENT_SECRET ? { ok: true, c: { clientSecret: env.AZURE_CLIENT_SECRET } } : missing("AZURE_CLIENT_SECRET");
    case "vault":
      return env.VAULT_TOKEN ? { ok: true, c: { token: env.VAULT_TOKEN } } : missing("VAULT_TOKEN");
  }
}

/** The reader's connection for a source row, or why there is none (a sentence saying what to do). */
export function connectionOf<P extends TrustProvider>(
  provider: P,
  source: { settings: TrustConnectionSettings; credentialsSealed: string | null; credentialsFrom: "stored" | "environment" | "none" },
  env: Env,
): ConnectionResult<P> {
  let creds: Credentials;
  if (source.credentialsFrom === "environment") {
    const r = fromEnvironment(provider, env);
    if (!r.ok) return r;
    creds = r.c;
  } else if (source.credentialsSealed) {
    try {
      creds = JSON.parse(open(CREDENTIALS_PURPOSE, source.credentialsSealed)) as Credentials;
    } catch {
      return { ok: false, message: "The stored credentials can no longer be opened (AUTH_SECRET changed since they were saved): remove this source and add it again with its credentials." };
    }
  } else creds = {};
  return connectionOfCredentials(provider, source.settings, creds, source.credentialsFrom === "environment", env);
}

function connectionOfCredentials<P extends TrustProvider>(provider: P, settings: TrustConnectionSettings, creds: Credentials, fromEnv: boolean, env: Env): ConnectionResult<P> {
  const source = { settings };
  // Environment credentials: the operator's endpoints only, whatever a row says (see environmentEndpointProblems).
  const s: TrustConnectionSettings = fromEnv ? { ...source.settings, ...environmentEndpoints(provider, env) } : source.settings;
  if (fromEnv && provider === "vault" && !s.address) return { ok: false, message: "Credentials come from the environment, but VAULT_ADDR is not set on the server: set it to Vault's address and read again." };
  const missing = missingSettings(provider, s, fromEnv);
  if (missing.length > 0) return { ok: false, message: `${missing.join("; ")}: remove this source and add it again with them.` };
  const conn = (() => {
    switch (provider) {
      case "aws":
        return {
          region: s.region!,
          ...(s.endpoint ? { endpoint: s.endpoint } : {}),
          ...(s.roleArn ? { roleArn: s.roleArn } : {}),
          credentials: creds.accessKeyId && creds.secretAccessKey ? { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, ...(creds.sessionToken ? { sessionToken: creds.sessionToken } : {}) } : null,
        };
      case "gcp":
        return {
          projectId: s.projectId!,
          ...(s.serviceAccountProjects?.length ? { serviceAccountProjects: s.serviceAccountProjects } : {}),
          ...(s.endpoint ? { endpoint: s.endpoint } : {}),
          ...(s.tokenUrl ? { tokenUrl: s.tokenUrl } : {}),
          credentials: creds.serviceAccountKey ? (JSON.parse(creds.serviceAccountKey) as object) : null,
        };
      case "azure":
        return {
          tenantId: s.tenantId!,
          clientId: s.clientId!,
          clientSecret: creds.clientSecret ?? "",
          ...(s.subscriptionId ? { subscriptionId: s.subscriptionId } : {}),
          ...(s.loginEndpoint ? { loginEndpoint: s.loginEndpoint } : {}),
          ...(s.graphEndpoint ? { graphEndpoint: s.graphEndpoint } : {}),
          ...(s.armEndpoint ? { armEndpoint: s.armEndpoint } : {}),
        };
      case "vault":
        return { address: s.address!, token: creds.token ?? "", mount: s.mount!, ...(s.namespace ? { namespace: s.namespace } : {}) };
    }
  })();
  return { ok: true, conn: conn as TrustConnections[P] };
}
