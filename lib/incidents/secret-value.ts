import "server-only";
import { z } from "zod";
import { and, eq } from "drizzle-orm";
import { incidentItems, incidentScope } from "@/lib/db/schema";
import type { UseCase } from "@/lib/door/use-case";
import { auditEntry } from "@/lib/audit/define-event";
import { AppError, conflict, notFound } from "@/lib/http/errors";
import { findResponderInstallation, openResponderSession, responderConfig, ResponderError, SECRET_VALUE_LIMIT_BYTES, type SecretScope } from "@/lib/github/responder";
import { IncidentRefSchema } from "./incident-schema";
import { loadOpenIncident } from "./incident-service";
import { appendEvent } from "./timeline";
import { findConnection } from "@/lib/connections/connection-repo";
import { SecretValueSet } from "./incident-audit";

// Setting a rotated secret's new value through Gatehouse. The value lives only in this
// request: it is sealed by the responder client against the scope's public key and sent to
// GitHub. It is never written to the database, the audit log, the timeline, a log line or a
// response, and no error message quotes it (zod's messages here name sizes, not contents).

export const SecretValueSchema = IncidentRefSchema.extend({
  itemId: z.string().uuid({ message: "must be an item id" }),
  value: z
    .string({ message: "must be the new value as text" })
    .min(1, { message: "is empty: paste the new value" })
    .refine((v) => Buffer.byteLength(v, "utf8") <= SECRET_VALUE_LIMIT_BYTES, { message: `is over GitHub's limit of ${SECRET_VALUE_LIMIT_BYTES / 1024} KB for a secret` }),
});

const SCOPES: Record<string, SecretScope> = { org: "organization", repo: "repository", environment: "environment" };

interface Intent {
  incidentId: string;
  itemId: string;
  name: string;
  scope: SecretScope;
  repo: string | null;
  environment: string | null;
  /** Repositories the token may reach: the secret's own, or (an organisation secret) one of the incident's. */
  repositoryId: number;
  /** The GitHub organisation of the connection. */
  githubLogin: string;
}

async function writeNewValue({ input, intent }: { input: z.infer<typeof SecretValueSchema>; intent: Intent }) {
  const config = (await responderConfig())!;
  const installation = await findResponderInstallation(config, intent.githubLogin);
  const session = await openResponderSession({ ...config, installationId: installation!.installationId, repositoryIds: [intent.repositoryId], step: "write-secrets", secretScope: intent.scope, orgLogin: intent.githubLogin });
  try {
    const [owner, repo] = intent.repo ? intent.repo.split("/") : [intent.githubLogin, undefined];
    const status = await session.writeSecret({ scope: intent.scope, owner: owner!, repo, environment: intent.environment ?? undefined, name: intent.name, value: input.value });
    return { status: "succeeded" as const, summary: `New value of ${intent.name} written (GitHub: ${status}).`, data: { status } };
  } finally {
    await session.close();
  }
}

export const setSecretValue: UseCase<typeof SecretValueSchema, { status: "created" | "updated" }, undefined, Intent> = {
  action: SecretValueSet.action,
  permission: "incident.run",
  input: SecretValueSchema,
  async run({ tx, actor, input, audit }) {
    const incident = await loadOpenIncident(tx, actor.orgId, input.incidentId);
    const [item] = await tx
      .select()
      .from(incidentItems)
      .where(and(eq(incidentItems.orgId, actor.orgId), eq(incidentItems.incidentId, incident.id), eq(incidentItems.id, input.itemId)))
      .limit(1);
    if (!item || item.kind !== "rotate-secret" || !item.scopeKey) throw notFound("Secret rotation item");
    const [secret] = await tx
      .select()
      .from(incidentScope)
      .where(and(eq(incidentScope.orgId, actor.orgId), eq(incidentScope.incidentId, incident.id), eq(incidentScope.kind, "secret"), eq(incidentScope.key, item.scopeKey.replace(/^secret:/, ""))))
      .limit(1);
    const scope = secret ? SCOPES[String(secret.data.scope)] : undefined;
    if (!secret || !scope) throw new AppError("invalid_input", "This item covers every secret of a repository: set each one on its own (gh secret set), then mark the item done.");
    if (!(await responderConfig())) {
      throw conflict(`No responder App is configured, so Gatehouse cannot write secrets: run ${item.command ?? "gh secret set"} yourself, then mark the item done.`);
    }
    let repositoryId = Number(secret.data.repoGithubId);
    if (!repositoryId) {
      const [anyRepo] = await tx.select({ data: incidentScope.data }).from(incidentScope).where(and(eq(incidentScope.orgId, actor.orgId), eq(incidentScope.incidentId, incident.id), eq(incidentScope.kind, "repository"))).limit(1);
      repositoryId = Number(anyRepo?.data.githubId);
    }
    const name = String(secret.data.name);
    await tx.update(incidentItems).set({ status: "in_progress", updatedAt: new Date(), updatedBy: actor.user.email }).where(and(eq(incidentItems.orgId, actor.orgId), eq(incidentItems.id, item.id)));
    await appendEvent(tx, { orgId: actor.orgId, incidentId: incident.id, actor: actor.user.email, type: "action", message: `Writing a new value of ${name} (${String(secret.data.where)}) through Gatehouse…`, data: { itemId: item.id } });
    await audit(auditEntry(SecretValueSet, { id: incident.id, label: `INC-${incident.number}` }, { itemId: item.id, secret: name, scope }));
    const connection = await findConnection(tx, actor.orgId);
    return { githubLogin: connection?.accountLogin ?? actor.orgSlug, incidentId: incident.id, itemId: item.id, name, scope, repo: secret.data.repo ? String(secret.data.repo) : null, environment: secret.data.environment ? String(secret.data.environment) : null, repositoryId };
  },
  outcome: {
    async act(ctx) {
      try {
        return await writeNewValue(ctx);
      } catch (err) {
        // The responder client's messages are written for the responder and never hold the value.
        if (err instanceof ResponderError) throw new AppError("upstream_failed", err.message);
        throw err;
      }
    },
    async record({ tx, actor, intent, outcome }) {
      const now = new Date();
      const [item] = await tx.select().from(incidentItems).where(and(eq(incidentItems.orgId, actor.orgId), eq(incidentItems.id, intent.itemId)));
      if (!item) return;
      const ok = outcome.status === "succeeded";
      const text = ok ? `${outcome.summary} Verified when a sync sees GitHub's updated_at after the incident started.` : `Writing the new value failed: ${outcome.summary}`;
      await tx
        .update(incidentItems)
        .set({ status: ok ? "done" : "failed", statusReason: ok ? null : outcome.summary, evidence: [...item.evidence, { at: now.toISOString(), by: actor.user.email, text }], updatedAt: now, updatedBy: actor.user.email })
        .where(and(eq(incidentItems.orgId, actor.orgId), eq(incidentItems.id, item.id)));
      await appendEvent(tx, { orgId: actor.orgId, incidentId: intent.incidentId, actor: actor.user.email, type: "action_result", message: `${item.label}: ${text}`, data: { itemId: item.id } });
    },
  },
};
