import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import { getEnv } from "@/lib/env";
import { getDatabase } from "@/lib/db";
import { githubConnections, syncRuns } from "@/lib/db/schema";
import type { AnyUseCase, UseCase } from "@/lib/door/use-case";
import { auditEntry } from "@/lib/audit/define-event";
import { AppError, AuditedRefusal, conflict, notFound } from "@/lib/http/errors";
import { listInstallations, type InstallationInfo } from "@/lib/github/installations";
import { enqueue } from "@/lib/jobs/queue";
import { logger } from "@/lib/logger";
import { githubCredentials } from "./credentials";
import { ConnectGithubSchema, OrgOnlySchema, StartSyncSchema } from "./connection-schema";
import { GithubConnected, GithubDisconnected, SyncStarted } from "./connection-audit";
import { createSyncRun, findConnection, findConnectionByInstallation } from "./connection-repo";
import { reapDeadRuns } from "./sync-reaper";

type Prepared = { kind: "app"; installation: InstallationInfo; baseUrl: string } | { kind: "token"; baseUrl: string };

/**
 * Connects the organisation to GitHub. With an App, the installation must belong to the
 * GitHub organisation of the same login: an admin of one Gatehouse organisation cannot
 * attach another organisation's installation (refused and audited as denied).
 */
export const connectGithub: UseCase<typeof ConnectGithubSchema, { accountLogin: string }, Prepared> = {
  action: GithubConnected.action,
  permission: "connection.manage",
  input: ConnectGithubSchema,
  async prepare(input, actor) {
    const creds = githubCredentials(getEnv());
    if (creds.mode === "none") {
      throw new AppError("conflict", "No GitHub credentials are configured on this server: set GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY (or GATEHOUSE_GITHUB_TOKEN) and restart.");
    }
    if (creds.mode === "token") return { kind: "token", baseUrl: creds.baseUrl };
    if (!input.installationId) throw new AppError("invalid_input", "Choose the App installation to connect.", { installationId: "required" });
    const installations = await listInstallations({ baseUrl: creds.baseUrl, appId: creds.appId, privateKey: creds.privateKey });
    const installation = installations.find((i) => i.id === input.installationId);
    if (!installation) throw notFound("Installation");
    if (installation.account.toLowerCase() !== actor.orgSlug) {
      throw new AuditedRefusal("forbidden", `Installation ${installation.id} belongs to ${installation.account}, not ${actor.orgSlug}.`, "foreign_installation", {
        installationId: installation.id,
        account: installation.account,
      });
    }
    return { kind: "app", installation, baseUrl: creds.baseUrl };
  },
  async run({ tx, actor, prepared, audit }) {
    if (prepared.kind === "app") {
      const holder = await findConnectionByInstallation(tx, prepared.installation.id);
      if (holder && holder.orgId !== actor.orgId) {
        throw conflict(`Installation ${prepared.installation.id} is already connected to another Gatehouse organisation; disconnect it there first.`);
      }
    }
    const values = {
      kind: prepared.kind,
      baseUrl: prepared.baseUrl,
      installationId: prepared.kind === "app" ? prepared.installation.id : null,
      accountLogin: prepared.kind === "app" ? prepared.installation.account : actor.orgSlug,
      permissions: prepared.kind === "app" ? prepared.installation.permissions : {},
      updatedAt: new Date(),
    };
    const [row] = await tx
      .insert(githubConnections)
      .values({ orgId: actor.orgId, ...values })
      .onConflictDoUpdate({ target: githubConnections.orgId, set: values })
      .returning({ id: githubConnections.id });
    await audit(
      auditEntry(GithubConnected, { id: row!.id, label: values.accountLogin }, {
        kind: values.kind,
        baseUrl: values.baseUrl,
        installationId: values.installationId,
        accountLogin: values.accountLogin,
      }),
    );
    return { accountLogin: values.accountLogin };
  },
};

/** Forgets the connection; the inventory stays as it was last synced. */
export const disconnectGithub: UseCase<typeof OrgOnlySchema, { ok: true }> = {
  action: GithubDisconnected.action,
  permission: "connection.manage",
  input: OrgOnlySchema,
  async run({ tx, actor, audit }) {
    const conn = await findConnection(tx, actor.orgId);
    if (!conn) throw notFound("GitHub connection");
    await tx.delete(githubConnections).where(and(eq(githubConnections.orgId, actor.orgId), eq(githubConnections.id, conn.id)));
    await audit(auditEntry(GithubDisconnected, { id: conn.id, label: conn.accountLogin }, { accountLogin: conn.accountLogin, installationId: conn.installationId }));
    return { ok: true };
  },
};

/**
 * "Sync now": records a queued run, then (after commit) hands it to the job queue. A run whose
 * worker died is failed first (sync-reaper.ts), so it never blocks a new one.
 */
export const startSync: UseCase<typeof StartSyncSchema, { runId: string }> = {
  action: SyncStarted.action,
  permission: "sync.run",
  input: StartSyncSchema,
  async prepare(_input, actor) {
    // Best effort: if the check itself fails, a dead run still refuses this sync until the reaper's next minute.
    await reapDeadRuns(await getDatabase(), { orgId: actor.orgId }).catch((err: unknown) => logger.warn("could not check for sync runs whose worker stopped", { error: String(err) }));
  },
  async run({ tx, actor, audit }) {
    if (!(await findConnection(tx, actor.orgId))) {
      throw conflict("This organisation is not connected to GitHub yet: an admin connects it on Settings → GitHub.");
    }
    const [busy] = await tx
      .select({ id: syncRuns.id })
      .from(syncRuns)
      .where(and(eq(syncRuns.orgId, actor.orgId), inArray(syncRuns.status, ["queued", "running"])))
      .limit(1);
    if (busy) throw conflict("A sync is already in progress; its progress is shown on this page.");
    const runId = await createSyncRun(tx, actor.orgId, { scope: "org", trigger: "manual", requestedBy: actor.user.email });
    await audit(auditEntry(SyncStarted, { id: runId }, { scope: "org" }));
    return { runId };
  },
  async afterCommit({ runId }, actor) {
    const handle = await getDatabase();
    try {
      await enqueue(handle, "sync-org", { orgId: actor.orgId, runId });
    } catch (err) {
      await handle.db
        .update(syncRuns)
        .set({ status: "failed", message: `The sync could not be queued: ${err instanceof Error ? err.message : String(err)}`, finishedAt: new Date() })
        .where(and(eq(syncRuns.orgId, actor.orgId), eq(syncRuns.id, runId)));
      throw err;
    }
  },
};

export const CONNECTION_USE_CASES: readonly AnyUseCase[] = [connectGithub, disconnectGithub, startSync];
