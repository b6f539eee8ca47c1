import "server-only";
import { Octokit } from "octokit";
import type { FetchStats } from "./facts";
import { createInstallationAuth } from "./installation-auth";
import { instrumentedFetch } from "./instrumented-fetch";
import { EventHub, emptyStats, type FetchEventListener } from "./stats";

// One authenticated Octokit per connection (App installation, token, or GHES), with GitHub's
// throttling and retry plugins (bundled in `octokit`), per-attempt counters and a request timeout.
// Config comes in as arguments: nothing here reads the environment, and credentials stay in
// closures (no getter returns a token or the private key).

interface CommonConfig {
  /** `https://api.github.com`, the simulator's URL, or GHES `https://ghe.example.com/api/v3`. */
  baseUrl: string;
  /** Per HTTP attempt; a request that hangs longer fails with kind "timeout". Default 30 s. */
  requestTimeoutMs?: number;
  /** Retries of 5xx answers (Octokit retry plugin). Default 3. */
  retries?: number;
  /** Unit of the retry backoff ((n+1)² × base); tests shrink it. Default 1000 ms. */
  retryBaseMs?: number;
  /** Multiplies GitHub's retry-after / reset waits; tests shrink it. Default 1000 (seconds → ms). */
  rateLimitWaitUnitMs?: number;
  /** Longest wait accepted for a primary rate limit before giving up. Default 1 h. */
  maxRateLimitWaitMs?: number;
  onEvent?: FetchEventListener;
}

export interface AppClientConfig extends CommonConfig {
  kind: "app";
  appId: number | string;
  /** PEM; kept in memory only. */
  privateKey: string;
  installationId: number;
  /** Org login, used in error messages. */
  account?: string;
}

export interface TokenClientConfig extends CommonConfig {
  kind: "token";
  /** Fine-grained or classic personal access token; kept in memory only. */
  token: string;
}

export type GithubClientConfig = AppClientConfig | TokenClientConfig;

export interface GithubClient {
  readonly octokit: Octokit;
  readonly baseUrl: string;
  readonly graphqlUrl: string;
  /** Live counters of every request this client sent. */
  readonly stats: FetchStats;
  subscribe(listener: FetchEventListener): () => void;
  emit: EventHub["emit"];
}

/** GraphQL endpoint for a REST base URL: `/graphql` on github.com and the simulator, `/api/graphql` on GHES. */
export function graphqlUrlFor(baseUrl: string): string {
  const trimmed = baseUrl.replace(/\/+$/, "");
  if (/\/api\/v3$/.test(trimmed)) return trimmed.replace(/\/api\/v3$/, "/api/graphql");
  return `${trimmed}/graphql`;
}

type Hook = (request: never, route: never, parameters?: never) => Promise<unknown>;

/** Counts every attempt after the first of one logical request as a retry (the options object is reused across attempts). */
function countRetries<H extends Hook>(hook: H, stats: FetchStats, hub: EventHub): H {
  const attempts = new WeakMap<object, number>();
  const counted = async (request: never, route: never, parameters?: never) => {
    const key = route as unknown;
    if (typeof key === "object" && key !== null) {
      const n = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, n);
      if (n > 1) {
        stats.retries++;
        hub.emit({ type: "retry", attempt: n });
      }
    }
    return hook(request, route, parameters);
  };
  return counted as H;
}

function tokenAuth(token: string) {
  const auth = async () => ({ type: "token" as const });
  const hook = async (
    request: ((route: unknown, params?: unknown) => Promise<unknown>) & { endpoint: { merge: (r: unknown, p?: unknown) => { headers: Record<string, string> } } },
    route: unknown,
    parameters?: unknown,
  ) => {
    const endpoint = request.endpoint.merge(route, parameters);
    endpoint.headers.authorization = `token ${token}`;
    return request(endpoint);
  };
  return Object.assign(auth, { hook });
}

let clientCounter = 0;

const SILENT_LOG = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

export function createGithubClient(config: GithubClientConfig): GithubClient {
  const stats = emptyStats();
  const hub = new EventHub();
  if (config.onEvent) hub.subscribe(config.onEvent);
  const unit = config.rateLimitWaitUnitMs ?? 1000;
  const maxWait = config.maxRateLimitWaitMs ?? 3_600_000;
  const baseUrl = config.baseUrl.replace(/\/+$/, "");

  const strategyAuth =
    config.kind === "app"
      ? createInstallationAuth({
          appId: config.appId,
          privateKey: config.privateKey,
          installationId: config.installationId,
          account: config.account ?? `installation ${config.installationId}`,
        })
      : tokenAuth(config.token);
  const auth = Object.assign(strategyAuth.bind(null), { hook: countRetries(strategyAuth.hook as Hook, stats, hub) });

  // Both handlers return true to retry; Octokit then waits retryAfter × unit before the retry.
  const onLimit = (limit: "primary" | "secondary", maxRetries: number) => (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) => {
    const waitMs = retryAfter * unit;
    if (retryCount >= maxRetries || waitMs > maxWait) return false;
    stats.rateLimitWaitMs += waitMs;
    hub.emit({ type: "rate-limited", waitMs, limit });
    return true;
  };

  const octokit = new Octokit({
    baseUrl,
    authStrategy: () => auth,
    log: SILENT_LOG,
    request: { fetch: instrumentedFetch(stats, config.requestTimeoutMs ?? 30_000) },
    retry: { retries: config.retries ?? 3, retryAfterBaseValue: config.retryBaseMs ?? 1000 },
    throttle: {
      id: `gatehouse-${++clientCounter}`,
      retryAfterBaseValue: unit,
      onRateLimit: onLimit("primary", 2),
      onSecondaryRateLimit: onLimit("secondary", 5),
    },
  });

  return {
    octokit,
    baseUrl,
    graphqlUrl: graphqlUrlFor(baseUrl),
    stats,
    subscribe: (listener) => hub.subscribe(listener),
    emit: (event) => hub.emit(event),
  };
}
