import "server-only";
import { readFileSync } from "node:fs";
import { z } from "zod";
import type { Env } from "@/lib/env";
import { open, seal } from "@/lib/security/secret-box";
import { BUILDKITE_API_URL, type BuildkiteConnection } from "@/lib/buildkite/connection";
import type { KubeConnection } from "@/lib/kubernetes/types";
import type { CredentialsFrom, PipelineSourceKind, PipelineSourceSettings } from "@/lib/db/schema/pipeline-sources";

// A pipeline source's connection: its non-secret settings plus credentials — sealed in the
// database, or the operator's environment (lib/env.ts). Credentials are opened only here, just
// before a read or a containment, and never leave the call that uses them.
//
// Invariant: credentials from the environment go only where the environment says. A Buildkite
// source using BUILDKITE_API_TOKEN talks to BUILDKITE_API_URL (else api.buildkite.com), never to
// its own `apiUrl`; a cluster source using KUBECONFIG talks to that file's server (or, with no
// KUBECONFIG, to the cluster Gatehouse runs in), never to its own `server`. Otherwise whoever can
// edit sources could send the server's token to a host of theirs.

export const CREDENTIALS_PURPOSE = "pipeline-source-credentials";
/** Responder (write) credentials have their own purpose: a read credential's box never opens them. */
export const RESPONDER_CREDENTIALS_PURPOSE = "pipeline-source-responder-credentials";

/** What an admin may store: a Buildkite token, or a cluster's bearer token or kubeconfig text. */
export const SourceCredentialsSchema = z
  .object({
    token: z.string().trim().min(1).max(16_384).optional(),
    kubeconfig: z.string().min(1).max(262_144).optional(),
  })
  .strict();
export type SourceCredentials = z.infer<typeof SourceCredentialsSchema>;

export type SourceConnection = { kind: "buildkite"; conn: BuildkiteConnection } | { kind: "kubernetes"; conn: KubeConnection };
export type ConnectionResult = { ok: true; connection: SourceConnection } | { ok: false; message: string };

interface SourceRow {
  kind: PipelineSourceKind;
  settings: PipelineSourceSettings;
}

export function sealCredentials(c: SourceCredentials, purpose: typeof CREDENTIALS_PURPOSE | typeof RESPONDER_CREDENTIALS_PURPOSE): string {
  return seal(purpose, JSON.stringify(c));
}

/** The stored credentials a kind needs, as sentences naming the field (empty: complete). */
export function missingCredentials(kind: PipelineSourceKind, settings: PipelineSourceSettings, c: SourceCredentials): string[] {
  if (kind === "buildkite") return c.token ? [] : ["credentials.token is required: a Buildkite API access token (Personal Settings → API Access Tokens)"];
  if (c.kubeconfig) return c.token ? ["give either credentials.kubeconfig or credentials.token, not both"] : [];
  if (!c.token) return ["credentials.kubeconfig (the file's text) or credentials.token (a service account's bearer token) is required"];
  return settings.server ? [] : ["settings.server is required with a bearer token: the API server's URL, such as https://10.0.0.1:6443"];
}

/**
 * Settings that would send environment credentials elsewhere, as sentences (empty: none).
 * Checked at creation (400) and ignored when such a row is read anyway.
 */
export function environmentEndpointProblems(kind: PipelineSourceKind, s: PipelineSourceSettings): string[] {
  const keys: (keyof PipelineSourceSettings)[] = kind === "buildkite" ? ["apiUrl"] : ["server", "caData"];
  const where = kind === "buildkite" ? "BUILDKITE_API_URL" : "the KUBECONFIG file (or the cluster Gatehouse runs in)";
  return keys.filter((k) => s[k]).map((k) => `settings.${k} cannot be set when the credentials come from the environment: the server's credentials go only where its operator says (${where}); leave it empty, or store credentials with the source`);
}

function readKubeconfigFile(path: string, variable: string): { ok: true; text: string } | { ok: false; message: string } {
  try {
    return { ok: true, text: readFileSync(path, "utf8") };
  } catch (err) {
    return { ok: false, message: `${variable} names a file the server cannot read (${(err as NodeJS.ErrnoException).code ?? "error"}): fix the path or its permissions, then read again.` };
  }
}

function fromEnvironment(kind: PipelineSourceKind, env: Env, responder: boolean): { ok: true; c: SourceCredentials | "in-cluster" } | { ok: false; message: string } {
  const where = responder ? "or store responder credentials with the source" : "or store credentials with the source";
  if (kind === "buildkite") {
    const name = responder ? "BUILDKITE_RESPONDER_TOKEN" : "BUILDKITE_API_TOKEN";
    const token = responder ? env.BUILDKITE_RESPONDER_TOKEN : env.BUILDKITE_API_TOKEN;
    return token ? { ok: true, c: { token } } : { ok: false, message: `Credentials come from the environment, but ${name} is not set on the server: set it, ${where}.` };
  }
  const name = responder ? "KUBE_RESPONDER_KUBECONFIG" : "KUBECONFIG";
  const path = responder ? env.KUBE_RESPONDER_KUBECONFIG : env.KUBECONFIG;
  // Reading without a kubeconfig means the pod's own account; containment never falls back to it
  // (the reader's account must not be able to write).
  if (!path) return responder ? { ok: false, message: `Responder credentials come from the environment, but ${name} is not set on the server: set it, ${where}.` } : { ok: true, c: "in-cluster" };
  const file = readKubeconfigFile(path, name);
  return file.ok ? { ok: true, c: { kubeconfig: file.text } } : file;
}

function build(row: SourceRow, c: SourceCredentials | "in-cluster", fromEnv: boolean, env: Env): ConnectionResult {
  const s = row.settings;
  if (row.kind === "buildkite") {
    if (!s.orgSlug) return { ok: false, message: "settings.orgSlug is missing: remove this source and add it again with the organization's slug." };
    const apiUrl = fromEnv ? (env.BUILDKITE_API_URL ?? BUILDKITE_API_URL) : (s.apiUrl ?? BUILDKITE_API_URL);
    return { ok: true, connection: { kind: "buildkite", conn: { apiUrl: apiUrl.replace(/\/+$/, ""), orgSlug: s.orgSlug, token: c === "in-cluster" ? "" : (c.token ?? "") } } };
  }
  if (c === "in-cluster") return { ok: true, connection: { kind: "kubernetes", conn: { inCluster: true } } };
  if (c.kubeconfig) return { ok: true, connection: { kind: "kubernetes", conn: { kubeconfig: c.kubeconfig, ...(s.context ? { context: s.context } : {}) } } };
  if (fromEnv || !s.server) return { ok: false, message: "settings.server is missing for a bearer token: remove this source and add it again with the API server's URL." };
  return { ok: true, connection: { kind: "kubernetes", conn: { server: s.server, token: c.token ?? "", ...(s.caData ? { caData: s.caData } : {}) } } };
}

function opened(sealed: string | null, purpose: string): SourceCredentials | null {
  try {
    return SourceCredentialsSchema.parse(JSON.parse(open(purpose, sealed ?? "")));
  } catch {
    return null;
  }
}

/** The read connection of a source row, or why there is none (a sentence saying what to do). */
export function connectionOf(row: SourceRow & { credentialsSealed: string | null; credentialsFrom: CredentialsFrom }, env: Env): ConnectionResult {
  if (row.credentialsFrom === "environment") {
    const r = fromEnvironment(row.kind, env, false);
    return r.ok ? build(row, r.c, true, env) : r;
  }
  const c = opened(row.credentialsSealed, CREDENTIALS_PURPOSE);
  if (!c) return { ok: false, message: "The stored credentials can no longer be opened (AUTH_SECRET changed since they were saved): remove this source and add it again with its credentials." };
  return build(row, c, false, env);
}

/** The write connection for containment, or why there is none: then the commands are run by hand. */
export function responderConnectionOf(row: SourceRow & { responderCredentialsSealed: string | null; responderCredentialsFrom: CredentialsFrom }, env: Env): ConnectionResult {
  const where = "Settings → Pipelines";
  if (row.responderCredentialsFrom === "none") return { ok: false, message: `This source has no responder credentials (write access): run the commands shown by hand, or add responder credentials in ${where}.` };
  if (row.responderCredentialsFrom === "environment") {
    const r = fromEnvironment(row.kind, env, true);
    return r.ok ? build(row, r.c, true, env) : r;
  }
  const c = opened(row.responderCredentialsSealed, RESPONDER_CREDENTIALS_PURPOSE);
  if (!c) return { ok: false, message: `The stored responder credentials can no longer be opened (AUTH_SECRET changed since they were saved): set them again in ${where}.` };
  return build(row, c, false, env);
}
