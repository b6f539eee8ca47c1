import { createHmac, randomUUID } from "node:crypto";
import type { OrgData, RepoData } from "../fixtures/model";
import type { SimCore } from "./core";
import { nodeId, orgSimple, repoShape, userShape } from "./shapes";

// Signed webhook deliveries to the App's webhook URL. Every delivery carries GitHub's headers:
// x-github-event, x-github-delivery (unique), x-github-hook-id, x-github-hook-installation-target-*,
// x-hub-signature-256 = "sha256=" + HMAC-SHA256(secret, raw body).

export interface DeliveryRecord {
  id: string;
  event: string;
  action: string | null;
  repository: string | null;
  /** HTTP status from the receiver; 0 = not delivered (no URL or network error) */
  status: number;
  error: string | null;
  body: string;
}

export function signWebhook(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export class WebhookSender {
  readonly deliveries: DeliveryRecord[] = [];
  private readonly pending = new Set<Promise<void>>();
  /** the API base URL clients use, set once the server listens */
  api = "http://127.0.0.1";

  constructor(private readonly core: SimCore) {}

  /** Full payload: event-specific fields plus repository, organization, installation, sender. */
  payload(org: OrgData, repo: RepoData | null, fields: Record<string, unknown>): Record<string, unknown> {
    const inst = this.core.installationForOrg(org.login);
    return {
      ...fields,
      ...(repo ? { repository: repoShape(this.api, org, repo) } : {}),
      organization: orgSimple(this.api, org),
      ...(inst ? { installation: { id: inst.id, node_id: nodeId("MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u", inst.id) } } : {}),
      sender: userShape(this.api, "octocat", 583231),
    };
  }

  /** Sends (or records, when no URL is configured) one delivery; resolves when it completed. */
  send(event: string, org: OrgData, repo: RepoData | null, fields: Record<string, unknown>): Promise<DeliveryRecord> {
    const app = this.core.options.app;
    const body = JSON.stringify(this.payload(org, repo, fields));
    const record: DeliveryRecord = {
      id: randomUUID(),
      event,
      action: typeof fields.action === "string" ? fields.action : null,
      repository: repo ? `${org.login}/${repo.name}` : null,
      status: 0,
      error: null,
      body,
    };
    this.deliveries.push(record);
    if (!app?.webhookUrl) return Promise.resolve(record);
    const inst = this.core.installationForOrg(org.login);
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/sim",
      "x-github-event": event,
      "x-github-delivery": record.id,
      "x-github-hook-id": String(app.id),
      "x-github-hook-installation-target-id": String(app.id),
      "x-github-hook-installation-target-type": "integration",
    };
    if (app.webhookSecret) headers["x-hub-signature-256"] = signWebhook(app.webhookSecret, body);
    if (inst) headers["x-github-installation-id"] = String(inst.id);
    const done = fetch(app.webhookUrl, { method: "POST", headers, body, signal: AbortSignal.timeout(10_000) })
      .then(async (res) => {
        record.status = res.status;
        await res.arrayBuffer().catch(() => undefined);
      })
      .catch((error: unknown) => {
        record.error = error instanceof Error ? error.message : String(error);
      });
    this.pending.add(done);
    return done.then(() => {
      this.pending.delete(done);
      return record;
    });
  }

  /** Waits for every in-flight delivery. */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}
