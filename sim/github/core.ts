import type { KeyObject } from "node:crypto";
import type { OrgData, RepoData, SecretData } from "../fixtures/model";
import { stableId } from "../fixtures/blob";
import { isoSeconds } from "../fixtures/dates";
import { TokenStore, publicKeyFromPem } from "./auth";
import { FaultInjector, type FaultOptions } from "./faults";
import { DEFAULT_INSTALLATION_PERMISSIONS, RESPONDER_INSTALLATION_PERMISSIONS, type Permissions } from "./permissions";
import { RateLimiter, type RateLimitOptions } from "./rate-limit";
import { newSealKeyPair, type LengthClass, type SealKeyPair } from "./sealed";
import type { SimOAuthAppOptions, SimUserOptions } from "./users";

// Mutable simulator state shared by the HTTP layer, GraphQL, control API and webhooks.

export interface InstallationOptions {
  id?: number;
  permissions?: Permissions;
  repositorySelection?: "all" | "selected";
  /** repository names when repositorySelection is "selected" */
  repositories?: string[];
  events?: string[];
}

export interface SimAppOptions {
  id: number;
  slug: string;
  name?: string;
  clientId?: string;
  publicKeyPem: string;
  webhookSecret?: string;
  webhookUrl?: string;
  /** per org login; orgs not listed get the default permissions (reader: DEFAULT_INSTALLATION_PERMISSIONS) on all repos */
  installations?: Record<string, InstallationOptions>;
}

/** An App the simulator knows: the reader (`app`) or the responder (`responderApp`). */
export interface SimApp {
  role: "reader" | "responder";
  options: SimAppOptions;
  publicKey: KeyObject;
}

export interface Installation {
  id: number;
  /** the App it belongs to */
  appId: number;
  orgLogin: string;
  permissions: Permissions;
  repositorySelection: "all" | "selected";
  repositories: string[] | null;
  events: string[];
  createdAt: string;
}

export interface WriteLogEntry {
  at: string;
  /** the simulator's clock when the write was handled, in ms (benchmarks time containment with it) */
  atMs: number;
  method: string;
  path: string;
  status: number;
  installationId: number | null;
  body: unknown;
}

export interface SecretWriteRecord {
  at: string;
  /** "repo:acme/web", "org:acme", "env:acme/web/production" */
  scope: string;
  name: string;
  lengthClass: LengthClass;
  installationId: number | null;
}

export interface CoreOptions {
  orgs: OrgData[];
  /** the reader App (the sync); webhooks are delivered for it only */
  app?: SimAppOptions;
  /**
   * A second App, the responder (incident writes): its own id, key and installations on every
   * org; orgs not listed in its `installations` get RESPONDER_INSTALLATION_PERMISSIONS.
   */
  responderApp?: SimAppOptions;
  /** fine-grained PATs: token string → grants (all orgs) */
  personalTokens?: Record<string, { permissions?: Permissions }>;
  rateLimit?: RateLimitOptions;
  faults?: FaultOptions;
  tokenTtlMs?: number;
  now?: () => number;
  /** users who can sign in through the OAuth web flow */
  users?: SimUserOptions[];
  /** OAuth apps (client id/secret/callback) for `/login/oauth/*` */
  oauthApps?: SimOAuthAppOptions[];
}

export interface SimUser extends SimUserOptions {
  id: number;
  createdAt: string;
}

/** An authorization code of the OAuth web flow: single use, ten minutes. */
export interface OAuthCode {
  clientId: string;
  redirectUri: string | null;
  login: string;
  scopes: string[];
  codeChallenge: string | null;
  codeChallengeMethod: "S256" | "plain" | null;
  expiresAt: number;
}

export const DEFAULT_EVENTS = ["push", "repository", "deploy_key", "workflow_run", "custom_property_values"];

export class SimCore {
  readonly orgs = new Map<string, OrgData>();
  readonly installations = new Map<number, Installation>();
  readonly tokens = new TokenStore();
  readonly rateLimiter: RateLimiter;
  readonly faults: FaultInjector;
  readonly writeLog: WriteLogEntry[] = [];
  /** the reader first, then the responder */
  readonly apps: SimApp[] = [];
  readonly now: () => number;
  readonly tokenTtlMs: number;
  readonly stats = { requests: 0, charged: 0, notModified: 0, graphqlPoints: 0 };
  /** set by the server: turns a fixture change into a webhook delivery */
  listener: ((event: string, org: OrgData, repo: RepoData | null, payload: Record<string, unknown>) => void) | null = null;
  readonly users = new Map<string, SimUser>();
  readonly oauthCodes = new Map<string, OAuthCode>();
  private readonly sealKeys = new Map<string, SealKeyPair>();
  /** Every secret value received (sealed box opened): where, when, by whom and its length class — never the value. */
  readonly secretWrites: SecretWriteRecord[] = [];

  constructor(readonly options: CoreOptions) {
    this.now = options.now ?? Date.now;
    this.tokenTtlMs = options.tokenTtlMs ?? 3_600_000;
    this.rateLimiter = new RateLimiter(options.rateLimit ?? {}, this.now);
    this.faults = new FaultInjector(options.faults);
    if (options.app) this.apps.push({ role: "reader", options: options.app, publicKey: publicKeyFromPem(options.app.publicKeyPem) });
    if (options.responderApp) {
      if (options.app && options.responderApp.id === options.app.id) throw new Error("sim: the responder App needs its own id");
      this.apps.push({ role: "responder", options: options.responderApp, publicKey: publicKeyFromPem(options.responderApp.publicKeyPem) });
    }
    for (const org of options.orgs) this.addOrg(org);
    for (const user of options.users ?? []) {
      this.users.set(user.login.toLowerCase(), { ...user, id: user.id ?? stableId("user", user.login) % 100_000_000, createdAt: "2020-01-01T00:00:00Z" });
    }
    for (const [token, pat] of Object.entries(options.personalTokens ?? {})) {
      this.tokens.add({
        token,
        kind: "pat",
        installationId: null,
        orgLogin: null,
        permissions: { ...(pat.permissions ?? DEFAULT_INSTALLATION_PERMISSIONS), metadata: "read" },
        repositories: null,
        expiresAt: null,
        revoked: false,
        bucket: `pat:${token}`,
      });
    }
  }

  addOrg(org: OrgData): void {
    this.orgs.set(org.login.toLowerCase(), org);
    for (const app of this.apps) this.install(app, org);
  }

  private install(app: SimApp, org: OrgData): void {
    const opts = app.options.installations?.[org.login] ?? {};
    const id = opts.id ?? stableId("installation", app.options.id, org.login) % 100_000_000;
    const defaults = app.role === "reader" ? DEFAULT_INSTALLATION_PERMISSIONS : RESPONDER_INSTALLATION_PERMISSIONS;
    this.installations.set(id, {
      id,
      appId: app.options.id,
      orgLogin: org.login,
      permissions: { ...(opts.permissions ?? defaults), metadata: "read" },
      repositorySelection: opts.repositorySelection ?? "all",
      repositories: opts.repositorySelection === "selected" ? (opts.repositories ?? []) : null,
      events: opts.events ?? DEFAULT_EVENTS,
      createdAt: org.createdAt,
    });
  }

  user(login: string): SimUser | undefined {
    return this.users.get(login.toLowerCase());
  }

  oauthApp(clientId: string): SimOAuthAppOptions | undefined {
    return this.options.oauthApps?.find((a) => a.clientId === clientId);
  }

  org(login: string): OrgData | undefined {
    return this.orgs.get(login.toLowerCase());
  }

  /** The installation of an App (default: the reader) on an org. */
  installationForOrg(login: string, appId: number | undefined = this.options.app?.id): Installation | undefined {
    return [...this.installations.values()].find((i) => i.orgLogin.toLowerCase() === login.toLowerCase() && (appId === undefined || i.appId === appId));
  }

  /** Every installation (of any App) on an org. */
  installationsOnOrg(login: string): Installation[] {
    return [...this.installations.values()].filter((i) => i.orgLogin.toLowerCase() === login.toLowerCase());
  }

  app(appId: number): SimApp | undefined {
    return this.apps.find((a) => a.options.id === appId);
  }

  /**
   * The App a JWT claims to come from (`iss` = its id or client id), before any verification;
   * an unknown issuer gets the reader, whose check then refuses it as GitHub does.
   */
  appForJwt(jwt: string): SimApp | undefined {
    let iss: unknown;
    try {
      iss = (JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8")) as { iss?: unknown }).iss;
    } catch {
      iss = undefined;
    }
    return this.apps.find((a) => String(a.options.id) === String(iss) || (a.options.clientId !== undefined && a.options.clientId === iss)) ?? this.apps[0];
  }

  repo(org: OrgData, name: string): RepoData | undefined {
    const lower = name.toLowerCase();
    return org.repos.find((r) => r.name.toLowerCase() === lower);
  }

  /** Repositories an installation can see (respecting "selected" installs). */
  installationRepos(inst: Installation): RepoData[] {
    const org = this.org(inst.orgLogin);
    if (!org) return [];
    if (inst.repositories === null) return org.repos;
    const allowed = new Set(inst.repositories);
    return org.repos.filter((r) => allowed.has(r.name));
  }

  /** Org secrets (or variables) visible to a repo per GitHub's visibility semantics. */
  visibleToRepo<T extends { visibility: "all" | "private" | "selected"; selectedRepositories: string[] }>(
    items: T[],
    repo: RepoData,
  ): T[] {
    return items.filter((s) =>
      s.visibility === "all"
        ? true
        : s.visibility === "private"
          ? repo.visibility !== "public"
          : s.selectedRepositories.includes(repo.name),
    );
  }

  /** A stable curve25519 key pair per secret scope ("org:acme", "repo:acme/web", "env:acme/web/prod"). */
  sealKeyPair(scope: string): SealKeyPair {
    let pair = this.sealKeys.get(scope);
    if (!pair) {
      pair = newSealKeyPair(String(stableId("key", scope) * 1000 + this.sealKeys.size).slice(0, 20));
      this.sealKeys.set(scope, pair);
    }
    return pair;
  }

  /** The public half, as `GET …/secrets/public-key` answers it. */
  sealKey(scope: string): { keyId: string; key: string } {
    const { keyId, key } = this.sealKeyPair(scope);
    return { keyId, key };
  }

  emit(event: string, org: OrgData, repo: RepoData | null, payload: Record<string, unknown>): void {
    this.listener?.(event, org, repo, payload);
  }

  nowIso(): string {
    return isoSeconds(this.now());
  }

  /** Creates or rotates a secret in a list; returns true when it was created. */
  upsertSecret(list: SecretData[], name: string): { created: boolean; secret: SecretData } {
    const now = this.nowIso();
    const existing = list.find((s) => s.name === name);
    if (existing) {
      existing.updatedAt = now;
      return { created: false, secret: existing };
    }
    const secret = { name, createdAt: now, updatedAt: now };
    list.push(secret);
    list.sort((a, b) => (a.name < b.name ? -1 : 1));
    return { created: true, secret };
  }
}
