import { z } from "zod";
import { defineAuditEvent } from "@/lib/audit/define-event";

export const GithubConnected = defineAuditEvent(
  "connection.connect",
  "github_connection",
  z.object({ kind: z.enum(["app", "token"]), baseUrl: z.string(), installationId: z.number().nullable(), accountLogin: z.string() }),
);

export const GithubDisconnected = defineAuditEvent(
  "connection.disconnect",
  "github_connection",
  z.object({ accountLogin: z.string(), installationId: z.number().nullable() }),
);

export const SyncStarted = defineAuditEvent("sync.start", "sync_run", z.object({ scope: z.enum(["org", "repo"]) }));
