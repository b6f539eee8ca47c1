import { createHash, randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { isoSeconds } from "../fixtures/dates";
import { looksLikeJwt, verifyAppJwt } from "./auth";
import type { SimCore } from "./core";
import { HttpError, notFound, type SimResponse } from "./http";
import { acceptedPermissionsHeader, hasPermission } from "./permissions";
import type { RateResource } from "./rate-limit";
import { bucketOf } from "./routes-app";
import type { AuthInfo, RouteContext, Router } from "./router";

// The request pipeline for GitHub API routes (everything except /_sim/*):
//   fault → route → body → auth → primary rate limit → permission → handler → ETag/304 → charge.
// Invariants: a 304 is never charged; GET /rate_limit is never charged; requests refused for
// an exhausted budget are not charged either (used never exceeds limit).

export interface PipelineResult {
  status: number;
  headers: Record<string, string>;
  /** undefined = no body; string = raw body */
  body?: string;
  /** the request must never be answered (injected timeout) */
  hang?: boolean;
  /** the connection must be closed without an answer (injected network failure) */
  reset?: boolean;
}

const BASE_HEADERS = {
  "x-github-media-type": "github.v3; format=json",
  "x-github-api-version-selected": "2022-11-28",
  vary: "Accept, Authorization, Cookie, X-GitHub-OTP",
  "access-control-allow-origin": "*",
};

function authenticate(core: SimCore, header: string | undefined, mode: "jwt" | "token" | "user" | "optional"): AuthInfo {
  const m = header ? /^(?:token|bearer)\s+(\S+)$/i.exec(header.trim()) : null;
  const credential = m?.[1];
  if (!credential) {
    if (mode === "optional") return { kind: "none" };
    throw new HttpError(401, "Requires authentication");
  }
  if (looksLikeJwt(credential)) {
    const app = core.appForJwt(credential);
    if (!app) throw new HttpError(401, "A JSON web token could not be decoded");
    verifyAppJwt(credential, {
      appId: app.options.id,
      clientId: app.options.clientId ?? null,
      publicKey: app.publicKey,
      nowMs: core.now(),
    });
    if (mode === "token") {
      throw new HttpError(403, "A JSON web token cannot be used to access this resource; use an installation access token.");
    }
    if (mode === "user") throw new HttpError(403, "Resource not accessible by integration");
    return { kind: "jwt", appId: app.options.id };
  }
  const record = core.tokens.resolve(credential, core.now());
  if (mode === "jwt") throw new HttpError(401, "A JSON web token could not be decoded");
  if (mode === "user" && record.kind !== "oauth") throw new HttpError(403, "Resource not accessible by integration");
  // The simulator's OAuth users own no organisations or repositories: their tokens serve /user only.
  if (mode !== "user" && record.kind === "oauth") throw new HttpError(403, "Resource not accessible by this OAuth token: the simulator serves OAuth user tokens on /user and /user/emails only.");
  return { kind: "token", record };
}

/**
 * A write's body as the write log keeps it: a secret's sealed box is replaced by a marker, since
 * the simulator holds the scope's private key and could otherwise give the value back.
 */
function logBody(body: unknown): unknown {
  if (body === undefined || body === null) return null;
  if (typeof body === "object" && !Array.isArray(body) && "encrypted_value" in body) return { ...body, encrypted_value: "[sealed]" };
  return body;
}

export function weakEtag(body: string): string {
  return `W/"${createHash("sha256").update(body).digest("hex").slice(0, 40)}"`;
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const strong = etag.slice(2);
  return header.split(",").some((t) => {
    const v = t.trim();
    return v === "*" || v === etag || v === strong || `W/${v}` === etag;
  });
}

export async function runPipeline(
  core: SimCore,
  router: Router,
  req: IncomingMessage,
  url: URL,
  api: string,
  rawBody: string,
): Promise<PipelineResult> {
  const method = (req.method ?? "GET").toUpperCase();
  const headers: Record<string, string> = { ...BASE_HEADERS, "x-github-request-id": randomUUID().toUpperCase() };
  const resource: RateResource = url.pathname === "/graphql" ? "graphql" : "core";
  let bucket = "anonymous";
  const finish = (res: SimResponse, charge: boolean): PipelineResult => {
    if (charge) {
      const points = resource === "core" ? 1 : 0; // GraphQL charges itself by query cost
      if (points > 0 && core.rateLimiter.charge(bucket, resource, points)) core.stats.charged += points;
    }
    Object.assign(headers, core.rateLimiter.headers(core.rateLimiter.state(bucket, resource)), res.headers ?? {});
    if (res.body === undefined) return { status: res.status, headers };
    if (typeof res.body === "string") return { status: res.status, headers, body: res.body };
    headers["content-type"] = "application/json; charset=utf-8";
    return { status: res.status, headers, body: JSON.stringify(res.body) };
  };

  const fault = core.faults.decide(method, url.pathname + url.search);
  if (fault === "timeout") return { status: 0, headers, hang: true };
  if (fault === "connection-reset") return { status: 0, headers, reset: true };
  if (fault === "server-error") return finish({ status: 502, body: { message: "Server Error" } }, false);
  if (fault === "secondary-rate-limit") {
    return finish(
      new HttpError(
        403,
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.",
        { "retry-after": String(core.faults.retryAfterSeconds) },
        "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
      ).toResponse(),
      false,
    );
  }

  const match = router.match(method, url.pathname.replace(/\/+$/, "") || "/");
  try {
    if (!match) throw notFound();
    const def = match.def;
    let body: unknown;
    if (rawBody.trim() !== "") {
      try {
        body = JSON.parse(rawBody);
      } catch {
        throw new HttpError(400, "Problems parsing JSON");
      }
    }
    const auth = authenticate(core, req.headers.authorization, def.auth);
    const ctx: RouteContext = { core, method, url, api, params: match.params, body, headers: req.headers, auth };
    bucket = bucketOf(ctx);
    if (!def.free && core.rateLimiter.exhausted(bucket, resource)) {
      const who = auth.kind === "token" && auth.record.installationId !== null ? `installation ID ${auth.record.installationId}` : bucket;
      return finish(
        new HttpError(403, `API rate limit exceeded for ${who}.`, {}, "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api").toResponse(),
        false,
      );
    }
    if (auth.kind === "token" && def.perm && !def.perm.some((need) => hasPermission(auth.record.permissions, need))) {
      const who = auth.record.kind === "pat" ? "personal access token" : "integration";
      throw new HttpError(403, `Resource not accessible by ${who}`, {
        "x-accepted-github-permissions": acceptedPermissionsHeader(def.perm),
      });
    }
    const res = await def.handler(ctx);
    if (method !== "GET" && def.log !== false && url.pathname !== "/graphql") {
      const atMs = core.now();
      core.writeLog.push({
        at: isoSeconds(atMs),
        atMs,
        method,
        path: url.pathname,
        status: res.status,
        installationId: auth.kind === "token" ? auth.record.installationId : null,
        body: logBody(body),
      });
    }
    if (method === "GET" && res.status === 200 && res.body !== undefined) {
      const text = typeof res.body === "string" ? res.body : JSON.stringify(res.body);
      const etag = weakEtag(text);
      headers.etag = etag;
      headers["cache-control"] = "private, max-age=60, s-maxage=60";
      if (etagMatches(req.headers["if-none-match"], etag)) {
        core.stats.notModified++;
        return finish({ status: 304, headers: res.headers }, false);
      }
    }
    return finish(res, !def.free);
  } catch (error) {
    if (error instanceof HttpError) return finish(error.toResponse(), error.status !== 401);
    throw error;
  }
}
