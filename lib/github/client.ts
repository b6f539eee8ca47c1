import "server-only";
import Bottleneck from "bottleneck";
import { Octokit } from "octokit";
import type { FetchStats } from "./facts";
import { createInstallationAuth, type TokenPermissionLevel } from "./installation-auth";
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
  /**
   * Requests of this client in flight at once (REST and GraphQL together). Default 30: GitHub
   * allows 100 concurrent requests per installation before its secondary limit; Octokit's own
   * default of 10 makes a 1,000-repository sync latency-bound. Mutations and GraphQL calls are
   * still spaced ≥ 1 s apart by the throttling plugin, as GitHub asks.
   */
  maxConcurrent?: number;
  /**
   * Least time between two writes (POST/PUT/PATCH/DELETE) of this client. Default 1000 ms, as
   * GitHub asks of mutating requests; tests shrink it.
   */
  writeSpacingMs?: number;
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
  /**
   * What the installation tokens of this client may do (the sync: `SYNC_TOKEN_PERMISSIONS`).
   * Tokens are minted with these only, whatever else the installation was granted.
   */
  permissions: Readonly<Record<string, TokenPermissionLevel>>;
}

export interface TokenClientConfig extends CommonConfig {
  kind: "token";
  /** Fine-grained or classic personal access token; kept in memory only. */
  token: string;
}

export type GithubClientConfig = AppClientConfig | TokenClientConfig;

export interface GithubClient {
  readonly octokit: Octokit;
  /** A GraphQL query (never a mutation), paced as GitHub's GraphQL secondary limit allows. */
  query<T>(query: string): Promise<T>;
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

/** GraphQL queries in flight at once, and the least time between two starts. */
const GRAPHQL_READS_IN_FLIGHT = 3;
const GRAPHQL_READS_SPACING_MS = 200;

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
          permissions: config.permissions,
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

  // One request cap for the client's REST and GraphQL calls together (GitHub allows 100 per
  // installation); the plugin's default group is process-wide and capped at 10.
  const global = new Bottleneck.Group({ maxConcurrent: config.maxConcurrent ?? 30, timeout: 120_000 });
  const id = `gatehouse-${++clientCounter}`;
  const options = (throttle: Record<string, unknown>) => ({
    baseUrl,
    authStrategy: () => auth,
    log: SILENT_LOG,
    request: { fetch: instrumentedFetch(stats, config.requestTimeoutMs ?? 30_000) },
    retry: { retries: config.retries ?? 3, retryAfterBaseValue: config.retryBaseMs ?? 1000 },
    throttle: {
      id,
      global,
      retryAfterBaseValue: unit,
      onRateLimit: onLimit("primary", 2),
      onSecondaryRateLimit: onLimit("secondary", 5),
      ...throttle,
    },
  });
  // REST reads and every write. The plugin spaces writes (and GraphQL) ≥ 1 s apart, as GitHub asks.
  const writes = config.writeSpacingMs === undefined ? {} : { write: new Bottleneck.Group({ maxConcurrent: 1, minTime: config.writeSpacingMs, timeout: 120_000 }) };
  const octokit = new Octokit(options(writes));
  // GraphQL queries (the sync's batches) on their own pacing: GitHub's secondary limit for
  // GraphQL is 2,000 points a minute and a query costs 1, so ≥ 1 s apart would make a
  // 1,000-repository sync wait on its 80 batches. Never used for mutations.
  const graphqlReads = new Octokit(
    options({ write: new Bottleneck.Group({ maxConcurrent: GRAPHQL_READS_IN_FLIGHT, minTime: GRAPHQL_READS_SPACING_MS, timeout: 120_000 }) }),
  );

  return {
    octokit,
    query: (query) => graphqlReads.graphql(query),
    baseUrl,
    graphqlUrl: graphqlUrlFor(baseUrl),
    stats,
    subscribe: (listener) => hub.subscribe(listener),
    emit: (event) => hub.emit(event),
  };
}
