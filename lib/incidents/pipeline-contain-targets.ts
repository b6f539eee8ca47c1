import "server-only";
import type { PipelineSourceKind } from "@/lib/db/schema/pipeline-sources";
import type { PipelineSourceRow } from "@/lib/pipeline-sources/pipeline-sources-repo";

// Which connected pipeline source runs a contain-pipeline item's pipeline, and what in it: the
// Buildkite pipelines building the item's repository (by the provider's `owner/name`, else the
// repository URL), or the Pipelines-as-Code Repositories whose spec.url is it. Decided from
// each source's last good read (its snapshot); the containment itself reads the target again.

/** The CI system of a contain-pipeline item's scope entry, as its source kind. */
export function sourceKindOf(system: unknown): PipelineSourceKind | null {
  return system === "buildkite" ? "buildkite" : system === "tekton" ? "kubernetes" : null;
}

/** `owner/name` from a clone URL (`git@github.com:acme/x.git`, `https://github.com/acme/x`), lower-cased; null when it has no path. */
export function repoOfUrl(url: string): string | null {
  const path = url
    .trim()
    .replace(/^[a-z+]+:\/\/[^/]+\//i, "")
    .replace(/^[^@/]+@[^:/]+:/, "")
    .replace(/\/+$/, "")
    .replace(/\.git$/, "");
  const parts = path.split("/").filter((p) => p !== "");
  return parts.length >= 2 ? `${parts[parts.length - 2]}/${parts[parts.length - 1]}`.toLowerCase() : null;
}

/** One thing to contain in one source. */
export type ContainTarget =
  | { kind: "buildkite"; pipelineSlug: string; label: string }
  | { kind: "kubernetes"; namespace: string; repository: string; label: string };

export interface CoveringSource {
  source: PipelineSourceRow;
  targets: ContainTarget[];
}

/** The sources of `kind` whose last read shows a pipeline of `repo` (`owner/name`), each with what to contain there. */
export function coveringSources(sources: PipelineSourceRow[], kind: PipelineSourceKind, repo: string): CoveringSource[] {
  const want = repo.toLowerCase();
  const out: CoveringSource[] = [];
  for (const source of sources) {
    const snap = source.snapshot;
    if (source.kind !== kind || !snap) continue;
    const targets: ContainTarget[] = [];
    if (snap.kind === "buildkite") {
      for (const p of snap.read.pipelines) {
        const builds = p.providerRepository?.toLowerCase() === want || repoOfUrl(p.repository) === want;
        if (builds) targets.push({ kind: "buildkite", pipelineSlug: p.slug, label: `pipeline ${snap.read.organization.slug}/${p.slug}` });
      }
    } else {
      for (const r of snap.read.namespaces.flatMap((n) => n.repositories)) {
        if (repoOfUrl(r.url) === want) targets.push({ kind: "kubernetes", namespace: r.namespace, repository: r.name, label: `Repository ${r.namespace}/${r.name}` });
      }
    }
    if (targets.length > 0) out.push({ source, targets });
  }
  return out;
}
