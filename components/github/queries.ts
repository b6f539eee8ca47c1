import type { SyncRunDto } from "@/lib/connections/sync-run-dto";
import type { Result } from "@/lib/http/errors";

export const syncKeys = {
  latest: (orgSlug: string) => ["org", orgSlug, "sync-runs", "latest"] as const,
};

export async function fetchLatestSyncRun(orgSlug: string): Promise<SyncRunDto | null> {
  const res = await fetch(`/api/v1/orgs/${encodeURIComponent(orgSlug)}/sync-runs/latest`, { cache: "no-store" });
  const body = (await res.json()) as Result<SyncRunDto | null>;
  if (!body.ok) throw new Error(body.error.message);
  return body.data;
}

export const isActive = (run: SyncRunDto | null | undefined) => run?.status === "queued" || run?.status === "running";
