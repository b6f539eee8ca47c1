import "server-only";
import { calls } from "./calls";
import { ResponderError } from "./errors";
import type { SessionCore } from "./session-core";
import { releaseSummaryOf, type ArtifactSummary, type CacheSummary, type Outcome, type RawRelease, type ReleaseSummary } from "./types";

// Artifacts, caches, run logs, deploy keys (delete) and releases (list). A delete of something
// already gone (404) is "already": the state the responder wanted holds.

interface RawArtifact {
  id: number;
  name: string;
  size_in_bytes: number;
  created_at: string | null;
  expires_at: string | null;
  expired: boolean;
  workflow_run?: { id?: number } | null;
}

interface RawCache {
  id?: number;
  key?: string;
  ref?: string;
  size_in_bytes?: number;
  created_at?: string;
  last_accessed_at?: string;
}


export interface ArtifactQuery {
  runId?: number;
  /** GitHub has no date filter on artifacts: these are applied to what it lists */
  createdFrom?: Date;
  createdTo?: Date;
}

/** A delete whose target is already gone counts as done. */
async function idempotentDelete(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    await run();
    return "done";
  } catch (error) {
    if (error instanceof ResponderError && error.status === 404) return "already";
    throw error;
  }
}

const cacheOf = (c: RawCache): CacheSummary => ({
  id: c.id ?? 0,
  key: c.key ?? "",
  ref: c.ref ?? "",
  sizeInBytes: c.size_in_bytes ?? 0,
  createdAt: c.created_at ?? null,
  lastAccessedAt: c.last_accessed_at ?? null,
});

export function cleanupOps(core: SessionCore) {
  async function listArtifacts(owner: string, repo: string, query: ArtifactQuery = {}): Promise<ArtifactSummary[]> {
    const raw = await core.list<RawArtifact>(calls.listArtifacts(owner, repo, query.runId), `Listing the artifacts of ${owner}/${repo}`);
    const from = query.createdFrom?.getTime() ?? -Infinity;
    const to = query.createdTo?.getTime() ?? Infinity;
    return raw
      .filter((a) => {
        if (query.createdFrom === undefined && query.createdTo === undefined) return true;
        const at = a.created_at ? Date.parse(a.created_at) : NaN;
        return at >= from && at <= to;
      })
      .map((a) => ({
        id: a.id,
        name: a.name,
        sizeInBytes: a.size_in_bytes,
        runId: a.workflow_run?.id ?? null,
        createdAt: a.created_at,
        expiresAt: a.expires_at,
        expired: a.expired,
      }));
  }

  async function listCaches(owner: string, repo: string): Promise<CacheSummary[]> {
    return (await core.list<RawCache>(calls.listCaches(owner, repo), `Listing the Actions caches of ${owner}/${repo}`)).map(cacheOf);
  }

  /** Deletes every cache with exactly this key (and ref); answers how many there were (0: none). */
  async function deleteCachesByKey(owner: string, repo: string, key: string, ref?: string): Promise<number> {
    try {
      const { data } = await core.send<{ total_count?: number; actions_caches?: RawCache[] }>(
        calls.deleteCachesByKey(owner, repo, key, ref),
        `Deleting the Actions caches of ${owner}/${repo} with key ${key}`,
      );
      return data.total_count ?? data.actions_caches?.length ?? 0;
    } catch (error) {
      if (error instanceof ResponderError && error.status === 404) return 0;
      throw error;
    }
  }

  /** Releases created (or published) since `since`, newest first; stops paging past it. */
  async function listReleases(owner: string, repo: string, query: { since: Date }): Promise<ReleaseSummary[]> {
    const since = query.since.getTime();
    const recent = (r: RawRelease) => Date.parse(r.created_at) >= since || (r.published_at !== null && Date.parse(r.published_at) >= since);
    // GitHub lists releases newest created first: once a page ends before `since`, no later page can matter.
    const raw = await core.list<RawRelease>(calls.listReleases(owner, repo), `Listing the releases of ${owner}/${repo}`, (page) => {
      const last = page[page.length - 1];
      return last !== undefined && Date.parse(last.created_at) < since;
    });
    return raw.filter(recent).map(releaseSummaryOf);
  }

  return {
    listArtifacts,
    deleteArtifact: (owner: string, repo: string, artifactId: number) =>
      idempotentDelete(() => core.send(calls.deleteArtifact(owner, repo, artifactId), `Deleting artifact ${artifactId} of ${owner}/${repo}`)),
    listCaches,
    deleteCache: (owner: string, repo: string, cacheId: number) =>
      idempotentDelete(() => core.send(calls.deleteCache(owner, repo, cacheId), `Deleting Actions cache ${cacheId} of ${owner}/${repo}`)),
    deleteCachesByKey,
    deleteRunLogs: (owner: string, repo: string, runId: number) =>
      idempotentDelete(() => core.send(calls.deleteRunLogs(owner, repo, runId), `Deleting the logs of run ${runId} of ${owner}/${repo}`)),
    deleteDeployKey: (owner: string, repo: string, keyId: number) =>
      idempotentDelete(() => core.send(calls.deleteDeployKey(owner, repo, keyId), `Deleting deploy key ${keyId} of ${owner}/${repo}`)),
    listReleases,
  };
}
