// The releases that in-scope repositories created or published inside the compromise window:
// what step 5 rebuilds, one item each. Pure: GitHub's list entries in (exposure.ts reads them
// with the reader App), scope entries out.
import type { ScopeEntry } from "./scope";
import { PACKAGE_REGISTRIES } from "./commands";
import { releaseSummaryOf, type RawRelease, type ReleaseSummary } from "@/lib/github/responder/types";

export type { RawRelease };

interface Window {
  from: Date;
  to: Date;
}

/** A release of an in-scope repository (`repo`: owner/name), as the responder client summarises one. */
export type ReleaseInWindow = ReleaseSummary & { repo: string };

const within = (iso: string | null, w: Window) => {
  if (!iso) return false;
  const t = Date.parse(iso);
  return t >= w.from.getTime() && t <= w.to.getTime();
};

/** Created or published inside the window, both ends included (a draft has no published_at). */
export const releaseInWindow = (r: Pick<RawRelease, "created_at" | "published_at">, w: Window): boolean => within(r.created_at, w) || within(r.published_at, w);

export const toReleaseInWindow = (repo: string, r: RawRelease): ReleaseInWindow => ({ repo, ...releaseSummaryOf(r) });

/**
 * One `release` scope entry per release, added after `markExposure`: exposed when an in-scope
 * workflow of its repository ran inside the window (one of those runs may have built it), owned
 * by its repository's owner (overrides applied), with the workflows that ran and the package
 * registries its repository's in-scope jobs publish to (systems in scope), so the item can say
 * where else to look. The entry key is `<repo>:<release id>`; the list keeps GitHub's order per
 * repository.
 */
export function addReleases(scope: ScopeEntry[], releases: ReleaseInWindow[]): void {
  const repos = new Map(scope.filter((e) => e.kind === "repository").map((e) => [e.label, e]));
  const workflows = scope.filter((e) => e.kind === "workflow");
  const systems = scope.filter((e) => e.kind === "system" && PACKAGE_REGISTRIES.has(String(e.data.kind)));
  for (const r of releases) {
    const mine = workflows.filter((w) => w.data.repo === r.repo);
    const ids = new Set(mine.map((w) => w.key));
    const ran = mine.filter((w) => typeof w.data.runsInWindow === "number" && w.data.runsInWindow > 0);
    const registries = systems.filter((s) => Array.isArray(s.data.workflowIds) && (s.data.workflowIds as string[]).some((id) => ids.has(id))).map((s) => s.label);
    const repo = repos.get(r.repo);
    scope.push({
      kind: "release",
      key: `${r.repo}:${r.id}`,
      label: `${r.repo} ${r.tagName}`,
      exposure: ran.length > 0 ? "exposed" : "reachable",
      data: {
        ...r,
        repoGithubId: repo ? Number(repo.data.githubId) : null,
        owner: repo && typeof repo.data.owner === "string" ? repo.data.owner : null,
        workflowsInWindow: ran.map((w) => ({ path: String(w.data.path), runs: Number(w.data.runsInWindow) })),
        registries,
      },
    });
  }
}
