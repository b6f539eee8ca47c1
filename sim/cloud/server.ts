import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo, Socket } from "node:net";

// The few things the Google Cloud, Azure and Vault simulators share: a node:http server that
// hands each request, body read, to one handler, and the write log. Each simulator keeps its
// providers' own error shapes; this file knows none of them.

export interface CloudWrite {
  at: string;
  method: string;
  /** Path and query as received. */
  path: string;
  status: number;
  body: unknown;
}

export interface CloudRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  raw: string;
}

export interface CloudReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface CloudServer {
  url: string;
  close(): Promise<void>;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): CloudReply {
  return { status, body, headers };
}

/** A JSON body: null when empty, undefined when not JSON. */
export function parseJson(raw: string): unknown {
  if (raw.trim() === "") return null;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

export function bearer(headers: IncomingHttpHeaders): string | null {
  const m = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? "");
  return m === null ? null : (m[1] as string);
}

/** Records a write (whatever its outcome) and returns the reply unchanged. */
export function logged(log: CloudWrite[], req: CloudRequest, reply: CloudReply): CloudReply {
  log.push({ at: new Date().toISOString(), method: req.method, path: `${req.url.pathname}${req.url.search}`, status: reply.status, body: parseJson(req.raw) ?? null });
  return reply;
}

export async function serveCloud(port: number, handle: (req: CloudRequest) => CloudReply | Promise<CloudReply>): Promise<CloudServer> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const request: CloudRequest = { method: req.method ?? "GET", url: new URL(req.url ?? "/", `http://${req.headers.host ?? "127.0.0.1"}`), headers: req.headers, raw: Buffer.concat(chunks).toString("utf8") };
      Promise.resolve()
        .then(() => handle(request))
        .then(
          (reply) => {
            const headers = { ...(reply.body === undefined ? {} : { "content-type": "application/json; charset=utf-8" }), ...reply.headers };
            res.writeHead(reply.status, headers).end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
          },
          (error: unknown) => {
            res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ message: `Simulator error: ${error instanceof Error ? error.message : String(error)}` }));
          },
        );
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Opaque page tokens: the offset, base64url-encoded (clients must not parse them). */
export function pageOf<T>(items: readonly T[], token: string | null, size: number): { slice: T[]; next: string | null } {
  const start = token === null || token === "" ? 0 : Number(Buffer.from(token, "base64url").toString("utf8").replace(/^o:/, ""));
  const from = Number.isInteger(start) && start >= 0 ? start : 0;
  const end = from + size;
  return { slice: items.slice(from, end), next: end < items.length ? Buffer.from(`o:${end}`).toString("base64url") : null };
}
