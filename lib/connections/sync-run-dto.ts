import type { SyncRunRow } from "./connection-repo";

export interface SyncRunDto {
  id: string;
  status: SyncRunRow["status"];
  trigger: SyncRunRow["trigger"];
  scope: SyncRunRow["scope"];
  requestedBy: string | null;
  startedAt: string;
  finishedAt: string | null;
  reposTotal: number;
  reposDone: number;
  reposFailed: number;
  requests: number;
  charged: number;
  notModified: number;
  graphqlPoints: number;
  retries: number;
  rateLimitWaitMs: number;
  waitingUntil: string | null;
  message: string | null;
  errors: { repo: string | null; kind: string; message: string }[];
}

export function toSyncRunDto(r: SyncRunRow): SyncRunDto {
  return {
    id: r.id,
    status: r.status,
    trigger: r.trigger,
    scope: r.scope,
    requestedBy: r.requestedBy,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    reposTotal: r.reposTotal,
    reposDone: r.reposDone,
    reposFailed: r.reposFailed,
    requests: r.requests,
    charged: r.charged,
    notModified: r.notModified,
    graphqlPoints: r.graphqlPoints,
    retries: r.retries,
    rateLimitWaitMs: r.rateLimitWaitMs,
    waitingUntil: r.waitingUntil && r.waitingUntil.getTime() > Date.now() ? r.waitingUntil.toISOString() : null,
    message: r.message,
    errors: r.errors.slice(0, 50),
  };
}
