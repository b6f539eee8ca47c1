import { randomUUID } from "node:crypto";
import { json, logged, parseJson, serveCloud, type CloudReply, type CloudRequest, type CloudWrite } from "../cloud/server";

// Vault (or OpenBao) simulator for the JWT auth method's role API (cloud-trust.md §5.4,
// vault-plugin-auth-jwt path_role.go / path_config.go): list roles (GET ?list=true: node:http
// refuses the LIST verb itself; a LIST handler stays for servers that pass it), read,
// write, delete a role, read the mount's config. `X-Vault-Token` is checked, `X-Vault-Namespace`
// selects the namespace, errors are `{ "errors": [...] }`, reads come in Vault's envelope.

export interface VaultSimMount {
  config: { bound_issuer: string; oidc_discovery_url?: string; jwks_url?: string; default_role?: string };
  /** Role name → the fields as written (defaults are filled in on read, as Vault does). */
  roles: Record<string, Record<string, unknown>>;
}

export interface VaultSimFixture {
  /** Namespace path → mount path (`jwt`) → mount; the root namespace is "". */
  namespaces: Record<string, Record<string, VaultSimMount>>;
}

export interface VaultSimOptions {
  port?: number;
  fixture: VaultSimFixture;
  /** Token → what it may do, in which namespace. */
  tokens: Record<string, { access: "read" | "write"; namespace?: string }>;
}

export interface VaultSim {
  url: string;
  /** Every POST/PUT/DELETE on a role received, whatever its outcome (live array). */
  writeLog: CloudWrite[];
  roles(mount: string, namespace?: string): Record<string, Record<string, unknown>>;
  close(): Promise<void>;
}

const errors = (status: number, ...messages: string[]): CloudReply => json(status, { errors: messages });
const DENIED = (): CloudReply => errors(403, "permission denied");

/** What `vault read auth/<mount>/role/<name>` shows: every field, defaults filled in (pathRoleRead). */
function roleData(r: Record<string, unknown>): Record<string, unknown> {
  const policies = (r.token_policies ?? r.policies ?? []) as unknown;
  return {
    role_type: r.role_type ?? "oidc",
    bound_audiences: r.bound_audiences ?? [],
    bound_subject: r.bound_subject ?? "",
    bound_claims_type: r.bound_claims_type ?? "string",
    bound_claims: r.bound_claims ?? null,
    claim_mappings: r.claim_mappings ?? null,
    user_claim: r.user_claim ?? "",
    user_claim_json_pointer: r.user_claim_json_pointer ?? false,
    groups_claim: r.groups_claim ?? "",
    oidc_scopes: r.oidc_scopes ?? null,
    allowed_redirect_uris: r.allowed_redirect_uris ?? [],
    verbose_oidc_logging: false,
    max_age: 0,
    expiration_leeway: r.expiration_leeway ?? 150,
    not_before_leeway: r.not_before_leeway ?? 150,
    clock_skew_leeway: r.clock_skew_leeway ?? 60,
    token_policies: typeof policies === "string" ? policies.split(",").map((p) => p.trim()) : policies,
    token_ttl: r.token_ttl ?? 0,
    token_max_ttl: r.token_max_ttl ?? 0,
    token_explicit_max_ttl: r.token_explicit_max_ttl ?? 0,
    token_period: r.token_period ?? 0,
    token_num_uses: r.token_num_uses ?? 0,
    token_bound_cidrs: r.token_bound_cidrs ?? [],
    token_type: r.token_type ?? "default",
    token_no_default_policy: r.token_no_default_policy ?? false,
  };
}

/** Vault's create/update checks for a role (path_role.go), in its words. */
function invalidRole(r: Record<string, unknown>): string | null {
  const type = r.role_type ?? "oidc";
  if (type !== "jwt" && type !== "oidc") return `invalid 'role_type': ${String(type)}`;
  if (typeof r.user_claim !== "string" || r.user_claim === "") return "a user claim must be defined on the role";
  if (type === "oidc" && !(Array.isArray(r.allowed_redirect_uris) && r.allowed_redirect_uris.length > 0)) return "'allowed_redirect_uris' must be set if 'role_type' is 'oidc' or unspecified.";
  const bound = ["bound_audiences", "token_bound_cidrs", "bound_subject", "bound_claims"].some((k) => {
    const v = r[k];
    return Array.isArray(v) ? v.length > 0 : typeof v === "object" && v !== null ? Object.keys(v).length > 0 : typeof v === "string" && v !== "";
  });
  if (type === "jwt" && !bound) return "must have at least one bound constraint when creating/updating a role";
  if (r.bound_claims_type === "glob" && Object.values((r.bound_claims ?? {}) as Record<string, unknown>).some((v) => (Array.isArray(v) ? v : [v]).some((x) => typeof x !== "string"))) {
    return "claim is not a string or list: bound claim values must be strings when bound_claims_type is glob";
  }
  return null;
}

function envelope(data: unknown): Record<string, unknown> {
  return { request_id: randomUUID(), lease_id: "", renewable: false, lease_duration: 0, data, wrap_info: null, warnings: null, auth: null, mount_type: "jwt" };
}

export async function startVaultSim(options: VaultSimOptions): Promise<VaultSim> {
  const fixture = structuredClone(options.fixture);
  const writeLog: CloudWrite[] = [];

  const handle = (req: CloudRequest): CloudReply => {
    const header = req.headers["x-vault-token"];
    const auth = typeof header === "string" ? options.tokens[header] : undefined;
    if (auth === undefined) return DENIED();
    const rawNs = req.headers["x-vault-namespace"];
    const namespace = (typeof rawNs === "string" ? rawNs : "").replace(/^\/+|\/+$/g, "");
    if ((auth.namespace ?? "") !== namespace) return DENIED();
    const mounts = fixture.namespaces[namespace] ?? {};
    const m = /^\/v1\/auth\/(.+?)\/(role|config)(?:\/([^/]+))?\/?$/.exec(req.url.pathname);
    const mount = m === null ? undefined : mounts[m[1] as string];
    if (m === null || mount === undefined) return errors(404, `no handler for route "${req.url.pathname.replace(/^\/v1\//, "")}". route entry not found.`);
    const [, , kind, name] = m;
    if (kind === "config") return req.method === "GET" && name === undefined ? json(200, envelope({ jwks_url: "", jwt_validation_pubkeys: [], oidc_discovery_url: "", oidc_discovery_ca_pem: "", jwt_supported_algs: [], default_role: "", provider_config: {}, namespace_in_state: true, ...mount.config })) : errors(405, "unsupported operation");
    const list = req.method === "LIST" || (req.method === "GET" && req.url.searchParams.get("list") === "true");
    if (name === undefined) {
      if (!list) return errors(405, "unsupported operation");
      const keys = Object.keys(mount.roles).sort();
      // Vault answers an empty LIST with 404 and no errors.
      return keys.length === 0 ? errors(404) : json(200, envelope({ keys }));
    }
    const role = mount.roles[name];
    if (req.method === "GET") return role === undefined ? errors(404) : json(200, envelope(roleData(role)));
    if (req.method === "DELETE") {
      if (auth.access !== "write") return logged(writeLog, req, DENIED());
      delete mount.roles[name];
      return logged(writeLog, req, { status: 204 });
    }
    if (req.method === "POST" || req.method === "PUT") {
      if (auth.access !== "write") return logged(writeLog, req, DENIED());
      const body = parseJson(req.raw);
      if (typeof body !== "object" || body === null || Array.isArray(body)) return logged(writeLog, req, errors(400, "failed to parse JSON input"));
      const next = { ...(role ?? {}), ...(body as Record<string, unknown>) };
      const problem = invalidRole(next);
      if (problem !== null) return logged(writeLog, req, errors(400, problem));
      mount.roles[name] = next;
      return logged(writeLog, req, { status: 204 });
    }
    return errors(405, "unsupported operation");
  };

  const server = await serveCloud(options.port ?? 0, handle);
  return {
    url: server.url,
    writeLog,
    roles: (mount, namespace = "") => structuredClone(fixture.namespaces[namespace]?.[mount]?.roles ?? {}),
    close: server.close,
  };
}
