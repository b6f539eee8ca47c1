import "server-only";

// What the session's lists answer: the fields incident mode uses, in GitHub's values (ISO-8601
// UTC strings for times), JSON-safe so they can go into evidence as they are.

export type Outcome = "done" | "already";

export type CancelOutcome = "cancelled" | "force-cancelled" | "already-completed";

export interface WorkflowSummary {
  id: number;
  path: string;
  /** active | disabled_manually | disabled_inactivity | disabled_fork | deleted */
  state: string;
}

export interface RunSummary {
  id: number;
  workflowId: number;
  status: string | null;
  conclusion: string | null;
  event: string;
  headSha: string;
  createdAt: string;
  runStartedAt: string | null;
  htmlUrl: string;
}

export interface ArtifactSummary {
  id: number;
  name: string;
  sizeInBytes: number;
  runId: number | null;
  createdAt: string | null;
  expiresAt: string | null;
  expired: boolean;
}

export interface CacheSummary {
  id: number;
  key: string;
  ref: string;
  sizeInBytes: number;
  createdAt: string | null;
  lastAccessedAt: string | null;
}

export interface ReleaseSummary {
  id: number;
  tagName: string;
  name: string | null;
  draft: boolean;
  prerelease: boolean;
  createdAt: string;
  publishedAt: string | null;
  targetCommitish: string;
  htmlUrl: string;
}

/** The fields of GitHub's release list entry (`GET /repos/{o}/{r}/releases`) that Gatehouse reads. */
export interface RawRelease {
  id: number;
  tag_name: string;
  name: string | null;
  draft: boolean;
  prerelease: boolean;
  created_at: string;
  published_at: string | null;
  target_commitish: string;
  html_url: string;
}

export const releaseSummaryOf = (r: RawRelease): ReleaseSummary => ({
  id: r.id,
  tagName: r.tag_name,
  name: r.name,
  draft: r.draft,
  prerelease: r.prerelease,
  createdAt: r.created_at,
  publishedAt: r.published_at,
  targetCommitish: r.target_commitish,
  htmlUrl: r.html_url,
});
