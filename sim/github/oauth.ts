import { createHash, randomBytes } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { newTokenString } from "./auth";
import type { SimCore } from "./core";
import { parseScopes, redirectUriAllowed } from "./users";

// GitHub's OAuth web flow, as served on github.com (not the API host): the authorize page,
// where the simulator lets you pick one of its users instead of typing a password, and the
// code-for-token exchange. Invariants: a code is single use and lives ten minutes; a code
// issued with a PKCE challenge needs its verifier; token-endpoint errors are answered with
// HTTP 200 and an `error` field, as GitHub does.

export interface OAuthReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const DOCS = "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-errors";
const TOKEN_DOCS = "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors";
const CODE_TTL_MS = 10 * 60 * 1000;

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

function html(status: number, title: string, inner: string): OAuthReply {
  return {
    status,
    headers: { "content-type": "text/html; charset=utf-8" },
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title></head><body><main>${inner}</main></body></html>`,
  };
}

function redirect(to: URL): OAuthReply {
  return { status: 302, headers: { location: to.toString() }, body: "" };
}

function withParams(base: string, params: Record<string, string | null>): URL {
  const url = new URL(base);
  for (const [k, v] of Object.entries(params)) if (v !== null) url.searchParams.set(k, v);
  return url;
}

function formParams(raw: string, contentType: string | undefined): URLSearchParams {
  if (contentType?.includes("application/json")) {
    try {
      const body = JSON.parse(raw) as Record<string, unknown>;
      return new URLSearchParams(Object.entries(body).map(([k, v]) => [k, String(v)]));
    } catch {
      return new URLSearchParams();
    }
  }
  return new URLSearchParams(raw);
}

interface AuthorizeRequest {
  clientId: string;
  redirectUri: string | null;
  scope: string;
  state: string | null;
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
}

function authorizeRequest(params: URLSearchParams): AuthorizeRequest {
  return {
    clientId: params.get("client_id") ?? "",
    redirectUri: params.get("redirect_uri"),
    scope: params.get("scope") ?? "",
    state: params.get("state"),
    codeChallenge: params.get("code_challenge"),
    codeChallengeMethod: params.get("code_challenge_method"),
  };
}

/** Checks an authorize request; answers with GitHub's error page or redirect, or null when it is fine. */
function refuseAuthorize(core: SimCore, req: AuthorizeRequest): OAuthReply | null {
  const app = core.oauthApp(req.clientId);
  if (!app) return html(404, "Not Found", "<h1>404</h1><p>This is not the web page you are looking for (unknown client_id).</p>");
  const back = (error: string, description: string, anchor: string) =>
    redirect(withParams(app.callbackUrl, { error, error_description: description, error_uri: `${DOCS}#${anchor}`, state: req.state }));
  if (req.redirectUri !== null && !redirectUriAllowed(app.callbackUrl, req.redirectUri)) {
    return back("redirect_uri_mismatch", "The redirect_uri MUST match the registered callback URL for this application.", "redirect-uri-mismatch");
  }
  if (req.codeChallenge !== null && (req.codeChallengeMethod ?? "S256") !== "S256") {
    return back("invalid_request", "code_challenge_method must be S256.", "invalid-request");
  }
  return null;
}

function authorizePage(core: SimCore, req: AuthorizeRequest, error?: string): OAuthReply {
  const app = core.oauthApp(req.clientId)!;
  const hidden = Object.entries({
    client_id: req.clientId,
    redirect_uri: req.redirectUri,
    scope: req.scope,
    state: req.state,
    code_challenge: req.codeChallenge,
    code_challenge_method: req.codeChallengeMethod,
  })
    .filter((e): e is [string, string] => e[1] !== null)
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join("");
  const users = [...core.users.values()]
    .map((u) => `<li><button type="submit" name="login" value="${esc(u.login)}">Authorize as ${esc(u.login)}</button></li>`)
    .join("");
  const scopes = parseScopes(req.scope);
  return html(
    error ? 422 : 200,
    `Authorize ${app.name ?? app.clientId}`,
    `<p>GitHub API simulator — for the demo and tests only.</p>
<h1>Authorize ${esc(app.name ?? app.clientId)}</h1>
${error ? `<p role="alert">${esc(error)}</p>` : ""}
<p>Scopes requested: ${scopes.length > 0 ? esc(scopes.join(", ")) : "(none: public information only)"}</p>
<form method="post" action="/login/oauth/authorize">${hidden}
<ul>${users}</ul>
<button type="submit" name="decision" value="cancel">Cancel</button>
</form>`,
  );
}

function authorize(core: SimCore, method: string, url: URL, raw: string, headers: IncomingHttpHeaders): OAuthReply {
  const params = method === "POST" ? formParams(raw, headers["content-type"]) : url.searchParams;
  const req = authorizeRequest(params);
  const refused = refuseAuthorize(core, req);
  if (refused) return refused;
  if (method !== "POST") return authorizePage(core, req);
  const target = req.redirectUri ?? core.oauthApp(req.clientId)!.callbackUrl;
  if (params.get("decision") === "cancel") {
    return redirect(
      withParams(target, {
        error: "access_denied",
        error_description: "The user has denied your application access.",
        error_uri: `${DOCS}#access-denied`,
        state: req.state,
      }),
    );
  }
  const user = core.user(params.get("login") ?? "");
  if (!user) return authorizePage(core, req, "Pick one of the listed users.");
  const code = randomBytes(10).toString("hex");
  core.oauthCodes.set(code, {
    clientId: req.clientId,
    redirectUri: req.redirectUri,
    login: user.login,
    scopes: parseScopes(req.scope),
    codeChallenge: req.codeChallenge,
    codeChallengeMethod: req.codeChallenge === null ? null : "S256",
    expiresAt: core.now() + CODE_TTL_MS,
  });
  return redirect(withParams(target, { code, state: req.state }));
}

function clientCredentials(params: URLSearchParams, header: string | undefined): { id: string; secret: string } {
  const basic = header ? /^basic\s+(\S+)$/i.exec(header.trim()) : null;
  if (basic?.[1]) {
    const decoded = Buffer.from(basic[1], "base64").toString("utf8");
    const i = decoded.indexOf(":");
    if (i >= 0) {
      // RFC 6749 §2.3.1: both parts are form-urlencoded before they are joined.
      const part = (s: string) => decodeURIComponent(s.replace(/\+/g, " "));
      return { id: part(decoded.slice(0, i)), secret: part(decoded.slice(i + 1)) };
    }
  }
  return { id: params.get("client_id") ?? "", secret: params.get("client_secret") ?? "" };
}

function accessToken(core: SimCore, url: URL, raw: string, headers: IncomingHttpHeaders): OAuthReply {
  const params = formParams(raw, headers["content-type"]);
  for (const [k, v] of url.searchParams) if (!params.has(k)) params.set(k, v);
  const json = (headers.accept ?? "").includes("application/json");
  const answer = (body: Record<string, string>): OAuthReply =>
    json
      ? { status: 200, headers: { "content-type": "application/json; charset=utf-8" }, body: JSON.stringify(body) }
      : { status: 200, headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" }, body: new URLSearchParams(body).toString() };
  const error = (code: string, description: string, anchor: string) =>
    answer({ error: code, error_description: description, error_uri: `${TOKEN_DOCS}#${anchor}` });

  const client = clientCredentials(params, headers.authorization);
  const app = core.oauthApp(client.id);
  if (!app || app.clientSecret !== client.secret) {
    return error("incorrect_client_credentials", "The client_id and/or client_secret passed are incorrect.", "incorrect-client-credentials");
  }
  const codeValue = params.get("code") ?? "";
  const code = core.oauthCodes.get(codeValue);
  // Single use: whatever happens next, this code is spent.
  core.oauthCodes.delete(codeValue);
  if (!code || code.clientId !== app.clientId || core.now() >= code.expiresAt) {
    return error("bad_verification_code", "The code passed is incorrect or expired.", "bad-verification-code");
  }
  const redirectUri = params.get("redirect_uri");
  if (redirectUri !== null && code.redirectUri !== null && redirectUri !== code.redirectUri) {
    return error("redirect_uri_mismatch", "The redirect_uri MUST match the registered callback URL for this application.", "redirect-uri-mismatch");
  }
  if (code.codeChallenge !== null) {
    const verifier = params.get("code_verifier") ?? "";
    const computed = createHash("sha256").update(verifier).digest("base64url");
    if (computed !== code.codeChallenge) {
      return error("invalid_grant", "The code_verifier does not match the code_challenge of the authorization request.", "bad-verification-code");
    }
  }
  const record = core.tokens.add({
    token: newTokenString("gho_"),
    kind: "oauth",
    installationId: null,
    orgLogin: null,
    permissions: {},
    repositories: null,
    expiresAt: null,
    revoked: false,
    bucket: `user:${code.login}`,
    user: { login: code.login, scopes: code.scopes },
  });
  return answer({ access_token: record.token, token_type: "bearer", scope: code.scopes.join(",") });
}

/** Answers `/login/oauth/*`, or null for any other path. */
export function handleOAuth(core: SimCore, method: string, url: URL, raw: string, headers: IncomingHttpHeaders): OAuthReply | null {
  if (url.pathname === "/login/oauth/authorize" && (method === "GET" || method === "POST")) return authorize(core, method, url, raw, headers);
  if (url.pathname === "/login/oauth/access_token" && method === "POST") return accessToken(core, url, raw, headers);
  if (url.pathname.startsWith("/login/oauth/")) return html(404, "Not Found", "<h1>404</h1><p>Not Found</p>");
  return null;
}
