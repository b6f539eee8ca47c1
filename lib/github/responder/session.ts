import "server-only";
import { createGithubClient, type TokenClientConfig } from "../client";
import type { FetchStats } from "../facts";
import { emptyStats } from "../stats";
import type { RunQuery, WorkflowRef } from "./calls";
import { ResponderError } from "./errors";
import { actionsOps, type CancelOptions } from "./ops-actions";
import { cleanupOps, type ArtifactQuery } from "./ops-cleanup";
import { secretOps, type SecretWrite } from "./ops-secrets";
import { createSessionCore } from "./session-core";
import { tokenPermissions, type PermissionLevel, type ResponderStep, type SecretScope } from "./steps";
import { mintInstallationToken } from "./token";
import type { ArtifactSummary, CacheSummary, CancelOutcome, Outcome, ReleaseSummary, RunSummary, WorkflowSummary } from "./types";

// One responder session = one installation token: minted when the session opens, scoped to the
// step's repositories and permissions, held only by the session's client, revoked by close().
//
//   const session = await openResponderSession({ ...config, installationId, repositoryIds: [repoId], step: "disable-workflows", orgLogin });
//   try { await session.disableWorkflow("acme", "api", workflowId); } finally { await session.close(); }

export interface OpenResponderSessionOptions {
  baseUrl: string;
  appId: number | string;
  /** PEM; used for the one JWT that mints the token, kept nowhere */
  privateKey: string;
  installationId: number;
  /** the repositories the step acts on (at least one): the token reaches no other */
  repositoryIds: number[];
  step: ResponderStep;
  orgLogin: string;
  /** write-secrets: narrows the token to this scope's permission (SECRET_SCOPE_PERMISSIONS) */
  secretScope?: SecretScope;
  /** the client's timeouts, retries and pacing (tests shrink the waits) */
  client?: Partial<Omit<TokenClientConfig, "kind" | "token" | "baseUrl">>;
}

export interface ResponderSession {
  readonly step: ResponderStep;
  /** what the token was minted with (GitHub adds metadata: read) */
  readonly permissions: Readonly<Record<string, PermissionLevel>>;
  /** requests sent (the mint and the revoke included) and retries, for benchmarks and evidence */
  stats(): FetchStats;
  getWorkflow(owner: string, repo: string, workflowIdOrFile: WorkflowRef): Promise<WorkflowSummary>;
  disableWorkflow(owner: string, repo: string, workflowIdOrFile: WorkflowRef): Promise<Outcome>;
  enableWorkflow(owner: string, repo: string, workflowIdOrFile: WorkflowRef): Promise<Outcome>;
  listRuns(owner: string, repo: string, query?: RunQuery): Promise<RunSummary[]>;
  cancelRun(owner: string, repo: string, runId: number, options?: CancelOptions): Promise<CancelOutcome>;
  listArtifacts(owner: string, repo: string, query?: ArtifactQuery): Promise<ArtifactSummary[]>;
  deleteArtifact(owner: string, repo: string, artifactId: number): Promise<Outcome>;
  listCaches(owner: string, repo: string): Promise<CacheSummary[]>;
  deleteCache(owner: string, repo: string, cacheId: number): Promise<Outcome>;
  /** how many caches had that key (and ref); 0 when none */
  deleteCachesByKey(owner: string, repo: string, key: string, ref?: string): Promise<number>;
  deleteRunLogs(owner: string, repo: string, runId: number): Promise<Outcome>;
  deleteDeployKey(owner: string, repo: string, keyId: number): Promise<Outcome>;
  listReleases(owner: string, repo: string, query: { since: Date }): Promise<ReleaseSummary[]>;
  writeSecret(input: SecretWrite): Promise<"created" | "updated">;
  /**
   * Revokes the token (DELETE /installation/token); later calls are refused. Never throws, so it
   * belongs in `finally`: "already-invalid" when GitHub no longer knew the token, "failed" when the
   * revoke could not be made (the token then dies at its expiry, within the hour).
   */
  close(): Promise<"revoked" | "already-invalid" | "failed">;
}

const RATE_LIMIT_PATIENCE_MS = 120_000;

export async function openResponderSession(opts: OpenResponderSessionOptions): Promise<ResponderSession> {
  if (opts.repositoryIds.length === 0 || !opts.repositoryIds.every((id) => Number.isSafeInteger(id) && id > 0)) {
    // Without repository_ids GitHub would mint a token for every repository of the installation.
    throw new ResponderError("refused", `A responder token is always scoped to repositories: the ${opts.step} action named none. Nothing was called.`);
  }
  const permissions = tokenPermissions(opts.step, opts.secretScope);
  const mintStats = emptyStats();
  const minted = await mintInstallationToken({
    baseUrl: opts.baseUrl,
    appId: opts.appId,
    privateKey: opts.privateKey,
    installationId: opts.installationId,
    orgLogin: opts.orgLogin,
    step: opts.step,
    repositoryIds: opts.repositoryIds,
    permissions,
    requestTimeoutMs: opts.client?.requestTimeoutMs,
    retryBaseMs: opts.client?.retryBaseMs,
    stats: mintStats,
  });
  const client = createGithubClient({
    // An incident action does not sit out an hour-long primary rate limit: it fails as rate-limited
    // with the reset time, and the responder runs the command by hand or later.
    maxRateLimitWaitMs: RATE_LIMIT_PATIENCE_MS,
    ...opts.client,
    kind: "token",
    token: minted.token,
    baseUrl: opts.baseUrl,
  });
  let closing: Promise<"revoked" | "already-invalid" | "failed"> | null = null;
  const core = createSessionCore(client, { step: opts.step, orgLogin: opts.orgLogin, tokenPermissions: permissions }, () => closing === null);

  return {
    step: opts.step,
    permissions: Object.freeze({ ...permissions }),
    stats: () => {
      const out = { ...client.stats };
      for (const key of Object.keys(out) as (keyof FetchStats)[]) out[key] += mintStats[key];
      return out;
    },
    ...actionsOps(core),
    ...cleanupOps(core),
    ...secretOps(core),
    close() {
      closing ??= client.octokit.request("DELETE /installation/token").then(
        () => "revoked" as const,
        (error: unknown) => ((error as { status?: number }).status === 401 ? ("already-invalid" as const) : ("failed" as const)),
      );
      return closing;
    },
  };
}
