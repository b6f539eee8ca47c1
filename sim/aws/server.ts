import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { ACTIONS, WRITE_ACTIONS } from "./actions";
import { IamError } from "./errors";
import { AwsFaults, type AwsFaultOptions, type AwsQueuedFault } from "./faults";
import { verifySigV4 } from "./sigv4";
import { AwsAccount, type AwsSimAccountInput } from "./state";
import { errorXml, successXml } from "./xml";

// The IAM Query API of one AWS account: `POST /` with a form-encoded body
// (`Action=…&Version=2010-05-08&…`), SigV4-signed, answered in IAM's XML. Order of checks,
// as AWS: signature → key's permission → fault → action. Every successful write is logged.

export interface AwsSimAccessKey {
  accessKeyId: string;
  secretAccessKey: string;
  /** Refused (AccessDenied) on every write. */
  readOnly?: boolean;
  /** IAM actions this key is refused, e.g. `["ListRoles"]` — a key whose policy lacks them. */
  denied?: string[];
  /** The principal named in AccessDenied messages; default `user/gatehouse-<readonly|responder>`. */
  principal?: string;
}

export interface AwsSimOptions extends AwsSimAccountInput {
  /** 0 or absent: a random free port. */
  port?: number;
  host?: string;
  accessKeys: AwsSimAccessKey[];
  faults?: AwsFaultOptions;
  /** The account's ACLSizePerRole quota (characters of a trust policy, whitespace excluded); default 2048. */
  trustPolicyQuota?: number;
}

export interface AwsWriteLogEntry {
  action: "PutRolePolicy" | "DeleteRolePolicy" | "UpdateAssumeRolePolicy";
  roleName: string;
  policyName?: string;
  /** The policy document as received (JSON text). */
  document?: string;
  accessKeyId: string;
  at: string;
}

export interface AwsSimRoleView {
  name: string;
  arn: string;
  trustPolicy: unknown;
  /** Inline policies by name, parsed. */
  inlinePolicies: Record<string, unknown>;
  attachedPolicyArns: string[];
}

export interface AwsSim {
  url: string;
  accountId: string;
  /** Every successful write (live array). */
  writeLog: AwsWriteLogEntry[];
  /** Every request that reached an action (after the signature), oldest first: `ListRoles`, `GetRole`… */
  requests: string[];
  role(name: string): AwsSimRoleView | undefined;
  injectFault(fault: AwsQueuedFault): void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, xml: string, requestId: string): void {
  res.writeHead(status, { "content-type": "text/xml", "x-amzn-requestid": requestId, "content-length": Buffer.byteLength(xml) });
  res.end(xml);
}

export async function startAwsSim(options: AwsSimOptions): Promise<AwsSim> {
  const account = new AwsAccount(options);
  const keys = new Map(options.accessKeys.map((k) => [k.accessKeyId, k]));
  const faults = new AwsFaults(options.faults);
  const writeLog: AwsWriteLogEntry[] = [];
  const requests: string[] = [];
  const trustPolicyQuota = options.trustPolicyQuota ?? 2048;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const fail = (e: IamError) => send(res, e.status, errorXml(e.type, e.code, e.message, requestId), requestId);
    const body = await readBody(req);
    // The control API (not IAM's): a browser test in another process reads the write log.
    if (req.method === "GET" && (req.url ?? "").split("?")[0] === "/_sim/write-log") {
      const json = JSON.stringify({ writeLog });
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
      res.end(json);
      return;
    }
    if (req.method !== "POST" || !(req.url ?? "/").startsWith("/")) return fail(new IamError(400, "InvalidAction", "The IAM Query API takes POST / with a form-encoded body."));
    const auth = verifySigV4({ method: req.method, url: req.url ?? "/", rawHeaders: req.rawHeaders, body }, (id) => keys.get(id)?.secretAccessKey, new Date());
    if (!auth.ok) return fail(new IamError(auth.status, auth.code, auth.message));
    const key = keys.get(auth.accessKeyId) as AwsSimAccessKey;
    const params = new URLSearchParams(body.toString("utf8"));
    const action = params.get("Action") ?? "";
    if (params.get("Version") !== "2010-05-08") return fail(new IamError(400, "InvalidParameterValue", `Version ${params.get("Version") ?? "(missing)"} is not 2010-05-08, the version of the IAM API.`));
    const handler = Object.hasOwn(ACTIONS, action) ? ACTIONS[action] : undefined;
    if (handler === undefined) return fail(new IamError(400, "InvalidAction", `Could not find operation ${action} for version 2010-05-08`));
    requests.push(action);
    if ((key.readOnly === true && WRITE_ACTIONS.has(action)) || key.denied?.includes(action)) {
      const principal = `arn:aws:iam::${account.accountId}:${key.principal ?? `user/gatehouse-${key.readOnly === true ? "readonly" : "responder"}`}`;
      const role = params.get("RoleName");
      const resource = role === null ? "*" : `arn:aws:iam::${account.accountId}:role/${role}`;
      return fail(new IamError(403, "AccessDenied", `User: ${principal} is not authorized to perform: iam:${action} on resource: ${resource} because no identity-based policy allows the iam:${action} action`));
    }
    const fault = faults.decide(action, body.toString("utf8"));
    if (fault === "connection-reset") {
      req.socket.destroy();
      return;
    }
    if (fault === "throttling") return fail(new IamError(400, "Throttling", "Rate exceeded"));
    if (fault === "server-error") return fail(new IamError(500, "ServiceFailure", "The request processing has failed because of an unknown error, exception or failure."));
    const outcome = handler({ account, params, trustPolicyQuota });
    if (outcome.write) writeLog.push({ action: action as AwsWriteLogEntry["action"], ...outcome.write, accessKeyId: key.accessKeyId, at: new Date().toISOString() });
    send(res, 200, successXml(action, outcome.result, requestId), requestId);
  }

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const requestId = randomUUID();
      const e = err instanceof IamError ? err : new IamError(500, "ServiceFailure", err instanceof Error ? err.message : String(err));
      if (!res.headersSent) send(res, e.status, errorXml(e.type, e.code, e.message, requestId), requestId);
    });
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const parse = (doc: string): unknown => JSON.parse(doc);

  return {
    url: `http://${options.host ?? "127.0.0.1"}:${port}`,
    accountId: account.accountId,
    writeLog,
    requests,
    role(name) {
      const r = account.roles.get(name);
      if (r === undefined) return undefined;
      return { name: r.name, arn: r.arn, trustPolicy: parse(r.trustPolicy), inlinePolicies: Object.fromEntries([...r.inline].map(([k, v]) => [k, parse(v)])), attachedPolicyArns: [...r.attached] };
    },
    injectFault: (fault) => faults.enqueue(fault),
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const s of sockets) s.destroy();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
