import type { SimControl } from "./control";
import type { SimCore } from "./core";
import type { FaultKind } from "./faults";
import type { WebhookSender } from "./webhooks";

// HTTP face of the control API under /_sim/ (no auth, no rate limit, no faults). Intended for
// the demo and scripts; tests use the same operations through the handle returned by startGithubSim.
//   GET  /_sim/log | /_sim/deliveries | /_sim/stats
//   POST /_sim/orgs/{org}/repos/{repo}/files      { files: { path: text|null }, message? } or { path, content|null }
//   POST /_sim/orgs/{org}/secrets                 { name, repo?, environment?, visibility?, delete? }
//   POST /_sim/orgs/{org}/repos                   { name, visibility?, files? }
//   POST /_sim/orgs/{org}/repos/{repo}/archive    { archived }
//   DELETE /_sim/orgs/{org}/repos/{repo}
//   POST /_sim/orgs/{org}/repos/{repo}/keys       { title, readOnly? }
//   POST /_sim/orgs/{org}/repos/{repo}/runs       { workflow, event? } (starts one now, webhook) or
//                                                  { workflow, createdAt, status?, conclusion?, event?, needsForceCancel? } (history)
//   POST /_sim/orgs/{org}/repos/{repo}/artifacts  { runId, name, sizeInBytes?, createdAt? }
//   POST /_sim/orgs/{org}/repos/{repo}/caches     { key, ref?, sizeInBytes?, createdAt? }
//   POST /_sim/orgs/{org}/repos/{repo}/releases   { tagName, createdAt, publishedAt?, name?, draft?, prerelease?, targetCommitish? }
//   GET  /_sim/tokens (what each installation token may do, never the token) | /_sim/secret-writes
//   POST /_sim/tokens/revoke { token? } | /_sim/tokens/expire
//   POST /_sim/faults { kind, count?, match? } | /_sim/rate-limit/reset | /_sim/latency { ms }

export interface ControlReply {
  status: number;
  body: unknown;
}

export interface ControlDeps {
  core: SimCore;
  control: SimControl;
  hooks: WebhookSender;
  setLatency: (ms: number) => void;
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

export async function handleControl(deps: ControlDeps, method: string, path: string, body: Record<string, unknown>): Promise<ControlReply> {
  const { core, control, hooks } = deps;
  const seg = path.split("/").filter(Boolean).slice(1).map(decodeURIComponent); // drop "_sim"
  const [a, b, c, d, e] = seg;
  if (method === "GET" && a === "log") return { status: 200, body: core.writeLog };
  if (method === "GET" && a === "deliveries") return { status: 200, body: hooks.deliveries.map(({ body: _b, ...rest }) => rest) };
  if (method === "GET" && a === "tokens") return { status: 200, body: core.tokens.installationGrants() };
  if (method === "GET" && a === "secret-writes") return { status: 200, body: core.secretWrites };
  if (method === "GET" && a === "stats") return { status: 200, body: { ...core.stats, faults: core.faults.counts } };
  if (method === "POST" && a === "tokens" && b === "revoke") {
    const token = str(body.token);
    return { status: 200, body: { revoked: token ? Number(core.tokens.revoke(token)) : core.tokens.revokeAll() } };
  }
  if (method === "POST" && a === "tokens" && b === "expire") return { status: 200, body: { expired: core.tokens.expireAll(core.now()) } };
  if (method === "POST" && a === "faults") {
    const kind = str(body.kind) as FaultKind | undefined;
    if (kind !== "server-error" && kind !== "timeout" && kind !== "secondary-rate-limit" && kind !== "connection-reset") {
      return { status: 422, body: { message: "kind must be server-error | timeout | secondary-rate-limit | connection-reset" } };
    }
    core.faults.enqueue({ kind, count: typeof body.count === "number" ? body.count : 1, match: str(body.match) });
    return { status: 200, body: { ok: true } };
  }
  if (method === "POST" && a === "rate-limit" && b === "reset") {
    core.rateLimiter.reset();
    return { status: 200, body: { ok: true } };
  }
  if (method === "POST" && a === "latency") {
    deps.setLatency(typeof body.ms === "number" ? body.ms : 0);
    return { status: 200, body: { ok: true } };
  }
  if (a === "orgs" && b) {
    if (method === "POST" && c === "secrets") {
      const name = str(body.name);
      if (!name) return { status: 422, body: { message: "name is required" } };
      const visibility = str(body.visibility) as "all" | "private" | "selected" | undefined;
      const target = { org: b, repo: str(body.repo), environment: str(body.environment), name, visibility };
      if (body.delete === true) return { status: 200, body: { deleted: control.deleteSecret(target) } };
      control.setSecret(target);
      return { status: 200, body: { ok: true } };
    }
    if (method === "POST" && c === "repos" && !d) {
      const name = str(body.name);
      if (!name) return { status: 422, body: { message: "name is required" } };
      const files = (body.files ?? {}) as Record<string, string>;
      const repo = await control.addRepository(b, name, (str(body.visibility) as "public" | "private" | "internal") ?? "private", files);
      return { status: 201, body: { id: repo.id, name: repo.name } };
    }
    if (c === "repos" && d) {
      if (method === "DELETE" && !e) return { status: 200, body: await control.deleteRepository(b, d) };
      if (method === "POST" && e === "files") {
        const files = (body.files ?? (str(body.path) ? { [String(body.path)]: body.content ?? null } : {})) as Record<string, string | null>;
        const delivery = await control.commitFiles(b, d, files, str(body.message));
        return { status: 200, body: { delivery: { id: delivery.id, status: delivery.status } } };
      }
      if (method === "POST" && e === "archive") return { status: 200, body: await control.archiveRepository(b, d, body.archived !== false) };
      if (method === "POST" && e === "keys") {
        const title = str(body.title) ?? "deploy key";
        return { status: 200, body: await control.addDeployKey(b, d, title, body.readOnly !== false) };
      }
      if (method === "POST" && e === "runs") {
        const workflow = str(body.workflow);
        if (!workflow) return { status: 422, body: { message: "workflow (path) is required" } };
        const createdAt = str(body.createdAt);
        if (!createdAt) return { status: 200, body: await control.startRun(b, d, workflow, str(body.event)) };
        const status = str(body.status) as "queued" | "in_progress" | "completed" | undefined;
        const conclusion = str(body.conclusion) as "success" | "failure" | "cancelled" | undefined;
        const run = control.seedRun(b, d, { workflow, createdAt, status, conclusion, event: str(body.event), needsForceCancel: body.needsForceCancel === true });
        return { status: 201, body: { id: run.id } };
      }
      if (method === "POST" && e === "artifacts") {
        const name = str(body.name);
        if (!name || typeof body.runId !== "number") return { status: 422, body: { message: "runId and name are required" } };
        const size = typeof body.sizeInBytes === "number" ? body.sizeInBytes : undefined;
        return { status: 201, body: { id: control.addArtifact(b, d, { runId: body.runId, name, sizeInBytes: size, createdAt: str(body.createdAt) }).id } };
      }
      if (method === "POST" && e === "caches") {
        const key = str(body.key);
        if (!key) return { status: 422, body: { message: "key is required" } };
        const size = typeof body.sizeInBytes === "number" ? body.sizeInBytes : undefined;
        return { status: 201, body: { id: control.addCache(b, d, { key, ref: str(body.ref), sizeInBytes: size, createdAt: str(body.createdAt) }).id } };
      }
      if (method === "POST" && e === "releases") {
        const tagName = str(body.tagName);
        const createdAt = str(body.createdAt);
        if (!tagName || !createdAt) return { status: 422, body: { message: "tagName and createdAt are required" } };
        const publishedAt = body.publishedAt === null ? null : str(body.publishedAt);
        const release = control.addRelease(b, d, { tagName, createdAt, publishedAt, name: str(body.name), draft: body.draft === true, prerelease: body.prerelease === true, targetCommitish: str(body.targetCommitish) });
        return { status: 201, body: { id: release.id } };
      }
    }
  }
  return { status: 404, body: { message: "Not Found", documentation_url: "https://docs.github.com/rest", status: "404" } };
}
