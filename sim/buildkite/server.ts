import { bearer, json, parseJson, serveCloud, type CloudReply, type CloudRequest, type CloudWrite } from "../cloud/server";
import { CANCELABLE_STATES, type BuildkiteSimBuild, type BuildkiteSimFixture, type BuildkiteSimPipeline, type BuildkiteSimQueue, type BuildkiteSimToken, type BuildkiteSimUser } from "./model";
import { Renderer } from "./render";

// Buildkite REST API v2 simulator: the subset Gatehouse reads (organization, pipelines, builds,
// clusters, queues, agent tokens, secrets' metadata, teams and their pipelines, agents) and the
// incident writes (archive/unarchive a pipeline, cancel a build, pause/resume a queue's
// dispatch). Bearer tokens with REST scopes: no or unknown token → 401, missing scope → 403,
// with the API's `{ "message": … }` bodies; lists page with `page`/`per_page` (default 30,
// at most 100) and a `Link` header. Every non-GET request under /v2 is logged, whatever its
// outcome, with the id of the token that sent it (never the token).

export interface BuildkiteSimOptions {
  port?: number;
  fixture: BuildkiteSimFixture;
  /** Token value → its id and scopes. */
  tokens: Record<string, BuildkiteSimToken>;
}

export interface BuildkiteWrite extends CloudWrite {
  /** The id of the token that sent the request; null when none was recognised. */
  tokenId: string | null;
}

export interface BuildkiteSimControl {
  pipeline(slug: string): BuildkiteSimPipeline | undefined;
  queue(clusterId: string, key: string): BuildkiteSimQueue | undefined;
  /** A build appears, as a webhook would create one (no write log entry). */
  addBuild(slug: string, build: BuildkiteSimBuild): void;
}

export interface BuildkiteSim {
  url: string;
  /** Live array; also served at GET /_sim/write-log. */
  writeLog: BuildkiteWrite[];
  control: BuildkiteSimControl;
  close(): Promise<void>;
}

const UNAUTHENTICATED = "Authentication required. Please supply a valid API Access Token: https://buildkite.com/docs/apis/rest-api#authentication";
const message = (status: number, text: string): CloudReply => json(status, { message: text });
const NOT_FOUND = (): CloudReply => message(404, "Not Found");
const SYSTEM: BuildkiteSimUser = { id: "0187dfd4-92cf-4b01-907b-1146c8525dde", name: "Acme Platform", email: "platform@acme.example" };

function pageNumber(raw: string | null, fallback: number, max: number): number {
  const n = Number(raw);
  return raw !== null && Number.isInteger(n) && n >= 1 ? Math.min(n, max) : fallback;
}

/** One page of `items`, with the `Link` header the REST API documents (next, prev, first, last). */
function paged(base: string, req: CloudRequest, items: unknown[]): CloudReply {
  const perPage = pageNumber(req.url.searchParams.get("per_page"), 30, 100);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const page = pageNumber(req.url.searchParams.get("page"), 1, Number.MAX_SAFE_INTEGER);
  const link = (n: number, rel: string): string => {
    const u = new URL(`${base}${req.url.pathname}${req.url.search}`);
    u.searchParams.set("page", String(n));
    return `<${u.toString()}>; rel="${rel}"`;
  };
  const rels = [...(page < last ? [link(page + 1, "next"), link(last, "last")] : []), ...(page > 1 ? [link(1, "first"), link(Math.min(page - 1, last), "prev")] : [])];
  return json(200, items.slice((page - 1) * perPage, page * perPage), rels.length > 0 ? { link: rels.join(", ") } : {});
}

/** `state=running` or Rails' `state[]=running&state[]=scheduled`; `finished` is the API's shortcut. */
function stateFilter(params: URLSearchParams): Set<string> | null {
  const raw = [...params.getAll("state"), ...params.getAll("state[]")];
  if (raw.length === 0) return null;
  return new Set(raw.flatMap((s) => (s === "finished" ? ["passed", "failed", "blocked", "canceled"] : [s])));
}

export async function startBuildkiteSim(options: BuildkiteSimOptions): Promise<BuildkiteSim> {
  const fixture = structuredClone(options.fixture);
  const org = fixture.organization;
  const writeLog: BuildkiteWrite[] = [];
  const pausedBy = new Map<string, BuildkiteSimUser>();
  let base = "";
  const render = new Renderer(() => base, org.slug);

  const pipeline = (slug: string) => fixture.pipelines.find((p) => p.slug === slug);
  const cluster = (id: string) => fixture.clusters.find((c) => c.id === id);

  const route = (req: CloudRequest, token: BuildkiteSimToken): CloudReply => {
    const need = (scope: string): CloudReply | null => (token.scopes.includes(scope) ? null : message(403, `Your access token doesn't have the ${scope} scope`));
    const { method } = req;
    const path = req.url.pathname.replace(/\/+$/, "");
    if (path === "/v2/access-token" && method === "GET") {
      const user = token.user ?? SYSTEM;
      return json(200, { uuid: token.id, scopes: token.scopes, description: token.description ?? token.id, created_at: org.createdAt, expires_at: null, user: { name: user.name, email: user.email } });
    }
    const m = /^\/v2\/organizations\/([^/]+)((?:\/[^/]+)*)$/.exec(path);
    if (m === null) return NOT_FOUND();
    const seg = (m[2] as string).split("/").filter(Boolean).map(decodeURIComponent);
    const scope = seg.length === 0 ? "read_organizations" : { pipelines: "read_pipelines", clusters: "read_clusters", teams: "read_teams", agents: "read_agents" }[seg[0] as string];
    if (scope === undefined) return NOT_FOUND();
    const writeScope = method === "GET" ? null : seg[0] === "pipelines" ? (seg[2] === "builds" ? "write_builds" : "write_pipelines") : "write_clusters";
    const readScope = seg[0] === "pipelines" && seg[2] === "builds" ? "read_builds" : seg[0] === "clusters" && seg[2] === "secrets" ? "read_secrets_details" : scope;
    const denied = need(writeScope ?? readScope);
    if (denied !== null) return denied;
    if (m[1] !== org.slug) return message(404, "No organization found");
    const [kind, id, sub, subId, action] = seg;

    if (kind === undefined) return method === "GET" ? json(200, render.organization(org)) : NOT_FOUND();
    if (kind === "pipelines") {
      if (id === undefined) {
        if (method !== "GET") return NOT_FOUND();
        const name = req.url.searchParams.get("name")?.toLowerCase();
        const repo = req.url.searchParams.get("repository")?.toLowerCase();
        const showWebhook = token.scopes.includes("write_pipelines");
        const list = fixture.pipelines.filter((p) => (!name || p.name.toLowerCase().includes(name)) && (!repo || p.repository.toLowerCase().includes(repo)));
        return paged(base, req, list.map((p) => render.pipeline(p, showWebhook)));
      }
      const p = pipeline(id);
      if (p === undefined) return message(404, "No pipeline found");
      if (sub === undefined) return method === "GET" ? json(200, render.pipeline(p, token.scopes.includes("write_pipelines"))) : NOT_FOUND();
      if ((sub === "archive" || sub === "unarchive") && subId === undefined && method === "POST") {
        // Archiving an archived pipeline keeps its first archived_at (the docs do not say otherwise).
        p.archivedAt = sub === "archive" ? (p.archivedAt ?? new Date().toISOString()) : null;
        return json(200, render.pipeline(p, true));
      }
      if (sub !== "builds") return NOT_FOUND();
      if (subId === undefined) {
        if (method !== "GET") return NOT_FOUND();
        const states = stateFilter(req.url.searchParams);
        const builds = [...p.builds].sort((a, b) => b.number - a.number).filter((b) => states === null || states.has(b.state));
        return paged(base, req, builds.map((b) => render.build(p, b)));
      }
      const build = p.builds.find((b) => String(b.number) === subId);
      if (build === undefined) return message(404, "No build found");
      if (action === undefined && method === "GET") return json(200, render.build(p, build));
      if (action !== "cancel" || method !== "PUT") return NOT_FOUND();
      if (!CANCELABLE_STATES.has(build.state)) return message(422, `Build #${build.number} can't be canceled because it's ${build.state}`);
      build.state = "canceled";
      build.finishedAt = new Date().toISOString();
      return json(200, render.build(p, build));
    }
    if (kind === "clusters") {
      if (id === undefined) return method === "GET" ? paged(base, req, fixture.clusters.map((c) => render.cluster(c, SYSTEM))) : NOT_FOUND();
      const c = cluster(id);
      if (c === undefined) return message(404, "No cluster found");
      if (sub === undefined) return method === "GET" ? json(200, render.cluster(c, SYSTEM)) : NOT_FOUND();
      if (sub === "tokens" && subId === undefined && method === "GET") return paged(base, req, c.tokens.map((t) => render.agentToken(c, t)));
      if (sub === "secrets" && subId === undefined && method === "GET") return paged(base, req, c.secrets.map((s) => render.secret(c, s, org.id)));
      if (sub !== "queues") return NOT_FOUND();
      const show = (q: BuildkiteSimQueue) => render.queue(c, q, SYSTEM, pausedBy.get(q.id) ?? null);
      if (subId === undefined) return method === "GET" ? paged(base, req, c.queues.map(show)) : NOT_FOUND();
      const q = c.queues.find((x) => x.id === subId);
      if (q === undefined) return message(404, "No queue found");
      if (action === undefined) return method === "GET" ? json(200, show(q)) : NOT_FOUND();
      if (method !== "POST" || (action !== "pause_dispatch" && action !== "resume_dispatch")) return NOT_FOUND();
      if (action === "pause_dispatch") {
        if (q.dispatchPaused === true) return message(422, "Cluster queue is already paused");
        // The curl example and go-buildkite send `dispatch_paused_note`; the docs' table says `note`.
        const body = (parseJson(req.raw) ?? {}) as Record<string, unknown>;
        const note = typeof body.dispatch_paused_note === "string" ? body.dispatch_paused_note : typeof body.note === "string" ? body.note : null;
        Object.assign(q, { dispatchPaused: true, dispatchPausedAt: new Date().toISOString(), dispatchPausedNote: note });
        pausedBy.set(q.id, token.user ?? SYSTEM);
      } else {
        if (q.dispatchPaused !== true) return message(422, "Cluster queue is not paused");
        Object.assign(q, { dispatchPaused: false, dispatchPausedAt: null, dispatchPausedNote: null });
        pausedBy.delete(q.id);
      }
      return json(200, show(q));
    }
    if (method !== "GET") return NOT_FOUND();
    if (kind === "teams") {
      if (id === undefined) return paged(base, req, fixture.teams.map((t) => render.team(t, SYSTEM)));
      const team = fixture.teams.find((t) => t.id === id);
      if (team === undefined || sub !== "pipelines" || subId !== undefined) return NOT_FOUND();
      const links = team.pipelines.flatMap((l) => {
        const p = pipeline(l.slug);
        return p === undefined ? [] : [render.teamPipeline(p, l)];
      });
      return paged(base, req, links);
    }
    if (id !== undefined) return NOT_FOUND();
    const queueId = req.url.searchParams.get("cluster_queue_id");
    const agents = fixture.agents.flatMap((a) => {
      const q = cluster(a.clusterId)?.queues.find((x) => x.key === a.queueKey);
      return q === undefined || (queueId !== null && q.id !== queueId) ? [] : [render.agent(a, q.id)];
    });
    return paged(base, req, agents);
  };

  const handle = (req: CloudRequest): CloudReply => {
    if (req.url.pathname === "/_sim/write-log" && req.method === "GET") return json(200, writeLog);
    if (req.url.pathname === "/" && req.method === "GET") return json(200, { message: "🛠", timestamp: Math.floor(Date.now() / 1000) });
    const value = bearer(req.headers);
    const token = value === null ? undefined : options.tokens[value];
    const reply = token === undefined ? message(401, UNAUTHENTICATED) : route(req, token);
    if (req.method !== "GET" && req.method !== "HEAD" && req.url.pathname.startsWith("/v2/")) {
      writeLog.push({ at: new Date().toISOString(), method: req.method, path: `${req.url.pathname}${req.url.search}`, status: reply.status, body: parseJson(req.raw) ?? null, tokenId: token?.id ?? null });
    }
    return reply;
  };

  const server = await serveCloud(options.port ?? 0, handle);
  base = server.url;
  return {
    url: server.url,
    writeLog,
    control: {
      pipeline: (slug) => structuredClone(pipeline(slug)),
      queue: (clusterId, key) => structuredClone(cluster(clusterId)?.queues.find((q) => q.key === key)),
      addBuild: (slug, build) => {
        const p = pipeline(slug);
        if (p === undefined) throw new Error(`no pipeline ${slug} in the Buildkite fixture`);
        p.builds.push(structuredClone(build));
      },
    },
    close: server.close,
  };
}
