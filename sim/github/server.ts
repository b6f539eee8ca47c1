import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { OrgData } from "../fixtures/model";
import { SimControl, type SecretTarget } from "./control";
import { handleControl } from "./control-http";
import type { InstallationTokenGrant } from "./auth";
import { SimCore, type CoreOptions, type SecretWriteRecord, type WriteLogEntry } from "./core";
import type { QueuedFault } from "./faults";
import { graphqlRoutes } from "./graphql/route";
import { runPipeline } from "./pipeline";
import { Router, type RouteDef } from "./router";
import { handleOAuth } from "./oauth";
import { actionsRoutes } from "./routes-actions";
import { appRoutes } from "./routes-app";
import { cleanupRoutes } from "./routes-cleanup";
import { repoRoutes } from "./routes-repos";
import { secretRoutes } from "./routes-secrets";
import { userRoutes } from "./routes-user";
import { variableRoutes } from "./routes-variables";
import { WebhookSender, type DeliveryRecord } from "./webhooks";

export interface GithubSimOptions extends CoreOptions {
  /** 0 or absent = random free port */
  port?: number;
  /** bind address; default 127.0.0.1 */
  host?: string;
  /** every API response is delayed by this many ms */
  latencyMs?: number;
}

export interface GithubSim {
  url: string;
  port: number;
  /** every write call received (live array) */
  writeLog: WriteLogEntry[];
  /** every webhook delivery attempted (live array) */
  deliveries: DeliveryRecord[];
  core: SimCore;
  control: SimControl;
  routes: RouteDef[];
  org(login: string): OrgData;
  /** change (text) or remove (null) files in one commit; sends a `push` webhook */
  setFile(org: string, repo: string, path: string, text: string | null, message?: string): Promise<DeliveryRecord>;
  /** add or rotate a secret (updated_at = now); no webhook, as on GitHub */
  setSecret(target: SecretTarget): void;
  revokeToken(token: string): boolean;
  revokeAllTokens(): number;
  expireTokens(): number;
  /** What every installation token minted so far may do and whether it was revoked (never the token itself), oldest first. */
  installationTokens(): InstallationTokenGrant[];
  /** Every secret value received: scope, name, length class and installation — never the value. */
  secretWrites: SecretWriteRecord[];
  injectFault(fault: QueuedFault): void;
  setLatency(ms: number): void;
  flushWebhooks(): Promise<void>;
  close(): Promise<void>;
}

export function buildRouter(): Router {
  const router = new Router();
  router.add(...appRoutes, ...repoRoutes, ...secretRoutes, ...variableRoutes, ...actionsRoutes, ...cleanupRoutes, ...userRoutes, ...graphqlRoutes);
  return router;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Starts the simulator; resolves once it listens. */
export async function startGithubSim(options: GithubSimOptions): Promise<GithubSim> {
  const core = new SimCore(options);
  const router = buildRouter();
  const hooks = new WebhookSender(core);
  const control = new SimControl(core, hooks);
  core.listener = (event, org, repo, payload) => void hooks.send(event, org, repo, payload);
  let latencyMs = options.latencyMs ?? 0;
  const sockets = new Set<Socket>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const origin = `http://${req.headers.host ?? "127.0.0.1"}`;
    const url = new URL(req.url ?? "/", origin);
    const raw = await readBody(req);
    const oauth = handleOAuth(core, req.method ?? "GET", url, raw, req.headers);
    if (oauth) {
      res.writeHead(oauth.status, oauth.headers).end(oauth.body);
      return;
    }
    // GitHub Enterprise Server layout: REST under /api/v3, GraphQL at /api/graphql.
    let api = origin;
    if (url.pathname === "/api/graphql") {
      api = `${origin}/api/v3`;
      url.pathname = "/graphql";
    } else if (url.pathname === "/api/v3" || url.pathname.startsWith("/api/v3/")) {
      api = `${origin}/api/v3`;
      url.pathname = url.pathname.slice("/api/v3".length) || "/";
    }
    if (url.pathname.startsWith("/_sim/")) {
      let body: Record<string, unknown> = {};
      try {
        body = raw.trim() ? (JSON.parse(raw) as Record<string, unknown>) : {};
      } catch {
        res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ message: "Problems parsing JSON" }));
        return;
      }
      const reply = await handleControl({ core, control, hooks, setLatency: (ms) => (latencyMs = ms) }, req.method ?? "GET", url.pathname, body);
      res.writeHead(reply.status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(reply.body));
      return;
    }
    core.stats.requests++;
    if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
    const result = await runPipeline(core, router, req, url, api, raw);
    if (result.hang) return; // injected timeout: the client gives up; close() destroys the socket
    if (result.reset) {
      req.socket.destroy(); // injected network failure: no answer at all
      return;
    }
    res.writeHead(result.status, result.headers);
    res.end(result.body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: `Simulator error: ${error instanceof Error ? error.message : String(error)}` }));
      }
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${options.host ?? "127.0.0.1"}:${port}`;
  hooks.api = url;

  return {
    url,
    port,
    writeLog: core.writeLog,
    deliveries: hooks.deliveries,
    core,
    control,
    routes: router.list(),
    org: (login) => control.org(login),
    setFile: (org, repo, path, text, message) => control.commitFiles(org, repo, { [path]: text }, message),
    setSecret: (target) => control.setSecret(target),
    revokeToken: (token) => core.tokens.revoke(token),
    revokeAllTokens: () => core.tokens.revokeAll(),
    expireTokens: () => core.tokens.expireAll(core.now()),
    installationTokens: () => core.tokens.installationGrants(),
    secretWrites: core.secretWrites,
    injectFault: (fault) => core.faults.enqueue(fault),
    setLatency: (ms) => (latencyMs = ms),
    flushWebhooks: () => hooks.flush(),
    close: async () => {
      await hooks.flush();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
