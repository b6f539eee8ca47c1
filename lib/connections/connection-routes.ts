import "server-only";
import type { OrgReadRoute } from "@/lib/http/define-route";
import { OrgOnlySchema } from "./connection-schema";
import { latestSyncRun } from "./connection-repo";
import { toSyncRunDto, type SyncRunDto } from "./sync-run-dto";
import { connectGithub, disconnectGithub, startSync } from "./connection-service";

export const latestSyncRunRoute: OrgReadRoute<typeof OrgOnlySchema, SyncRunDto | null> = {
  kind: "org-read",
  action: "sync.read",
  permission: "inventory.read",
  input: OrgOnlySchema,
  run: async ({ db, actor }) => {
    const run = await latestSyncRun(db, actor.orgId);
    return run ? toSyncRunDto(run) : null;
  },
};

export const startSyncRoute = { kind: "write", useCase: startSync, successStatus: 202 } as const;
export const connectRoute = { kind: "write", useCase: connectGithub } as const;
export const disconnectRoute = { kind: "write", useCase: disconnectGithub } as const;
