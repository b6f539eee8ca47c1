import "server-only";
import type { Db } from "@/lib/db/types";
import type { BuildkiteOrgRead } from "@/lib/buildkite/types";
import { locateBuildkite, type PipelineInventory } from "./join";
import { loadPipelineInventory, sourcesWithSnapshots } from "./pipeline-join-repo";

// What the Buildkite sources tell the cloud-trust evaluation (lib/trust-sources/evaluate-org.ts):
// a Buildkite OIDC token's `sub` names the organization and the pipeline, which a repository file
// cannot say. Without a source both stay unknown, and a trust that pins them matches `possibly`.

export interface BuildkiteTrustFacts {
  /** The organization's slug; null when the sources name several (a step could run in either). */
  orgSlug: string | null;
  /** Per repository (`owner/name` as the inventory spells it): the live pipelines that upload one of its files. */
  pipelinesByRepo: Map<string, string[]>;
}

/** Pure: the facts of the given reads joined to the inventory; undefined when there is no read. */
export function buildkiteTrustFactsOf(reads: BuildkiteOrgRead[], inv: PipelineInventory): BuildkiteTrustFacts | undefined {
  if (reads.length === 0) return undefined;
  const slugs = new Set(reads.map((r) => r.organization.slug));
  const pipelinesByRepo = new Map<string, string[]>();
  for (const read of reads)
    for (const j of locateBuildkite(read, inv)) {
      // An archived pipeline runs no build; one that uploads no file of the repository runs only its stored steps.
      if (j.repo === null || j.file === null || j.pipeline.archivedAt !== null) continue;
      const list = pipelinesByRepo.get(j.repo) ?? [];
      if (!list.includes(j.pipeline.slug)) list.push(j.pipeline.slug);
      pipelinesByRepo.set(j.repo, list);
    }
  return { orgSlug: slugs.size === 1 ? [...slugs][0]! : null, pipelinesByRepo };
}

/** The organisation's Buildkite facts from its sources' last good reads; undefined when none has been read. */
export async function buildkiteTrustFacts(db: Db, orgId: string): Promise<BuildkiteTrustFacts | undefined> {
  const reads = (await sourcesWithSnapshots(db, orgId, "buildkite")).flatMap((s) => (s.snapshot.kind === "buildkite" ? [s.snapshot.read] : []));
  if (reads.length === 0) return undefined;
  return buildkiteTrustFactsOf(reads, await loadPipelineInventory(db, orgId));
}
