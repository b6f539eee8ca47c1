import { contentHash, type CachedFile } from "../cache";
import { screenInput, type ParseLimits } from "../parse";
import { refused } from "../refused";
import { toFinding } from "../rules/support";
import { YamlTooLarge } from "../yaml-docs";
import { buildTektonModel } from "./model";
import { readTektonFile, type ReadOutcome, type TektonFile } from "./read";
import { TektonRepository } from "./repository";
import { tektonFindings } from "./rules";

// The Tekton files of one repository, analysed together: a PipelineRun's tasks may be defined in
// another file (a Pipeline in `.tekton/`, a Task beside it, a Lighthouse `triggers.yaml` naming
// the run), so each file's result depends on the others. Files are read once, lazily, the first
// time a result is not in the cache; the cache key of a file is its path inside a hash of every
// Tekton file of the repository, so a change to any of them re-analyses them all.

export interface TektonAnalysis {
  key(path: string): string;
  /** A file's model (none for a Repository or TriggerConfig alone), findings, or the error that refused it. */
  analyze(path: string): CachedFile;
}

export function createTektonAnalysis(
  files: Array<{ path: string; content: string | Uint8Array }>,
  limits: ParseLimits,
  onProgress?: (path: string) => void,
): TektonAnalysis {
  let scope: string | undefined;
  let read: Map<string, ReadOutcome> | undefined;
  let repo: TektonRepository | undefined;

  const load = (): { read: Map<string, ReadOutcome>; repo: TektonRepository } => {
    if (read !== undefined && repo !== undefined) return { read, repo };
    read = new Map();
    for (const f of files) {
      onProgress?.(f.path);
      const screened = screenInput(f.content, limits.maxBytes);
      read.set(f.path, screened.ok ? readTektonFile(f.path, screened.text, limits) : { ok: false, message: screened.message });
    }
    const ok: TektonFile[] = [];
    for (const r of read.values()) if (r.ok) ok.push(r.file);
    repo = new TektonRepository(ok);
    return { read, repo };
  };

  return {
    key(path) {
      scope ??= contentHash(
        files
          .map((f) => `${f.path}:${contentHash(f.content)}`)
          .sort()
          .join("\n") + `|${limits.maxBytes}|${limits.maxNodes}`,
      );
      return `tekton:${scope}:${path}`;
    },
    analyze(path) {
      const { read: outcomes, repo: repository } = load();
      onProgress?.(path);
      const outcome = outcomes.get(path);
      if (outcome === undefined) return refused("not a Tekton file of this repository");
      if (!outcome.ok) return refused(outcome.message);
      try {
        const facts = buildTektonModel(outcome.file, repository);
        const findings = tektonFindings(facts).map((f) => toFinding("", "", f));
        return { facts: null, ...(facts.model !== null ? { pipeline: facts.model } : {}), findings, error: null };
      } catch (e) {
        if (e instanceof YamlTooLarge) return refused(e.message);
        throw e;
      }
    },
  };
}
