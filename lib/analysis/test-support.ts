import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { RepoContextInput } from "./context";
import { repoContextSchema } from "./context";
import { analyzeFiles, type AnalysisResult, type Finding, type JobModel, type SourceFile } from "./index";

// Helpers for the analysis tests: analyse inline YAML as one repository; walk the corpus.

/** The real-world corpus lives outside the repository (../shared/corpus); it is read, never copied. */
export const REAL_WORLD_CORPUS = join(import.meta.dirname, "../../../shared/corpus/real-world");

/** Every .yml / .yaml file under dir, depth first. */
export function yamlFilesUnder(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory()) yamlFilesUnder(full, out);
    else if (/\.ya?ml$/.test(e.name)) out.push(full);
  }
  return out;
}

/** The corpus repositories that have workflows, sorted; none when the corpus is absent. */
export function corpusRepos(): string[] {
  if (!existsSync(REAL_WORLD_CORPUS)) return [];
  return readdirSync(REAL_WORLD_CORPUS)
    .filter((d) => existsSync(join(REAL_WORLD_CORPUS, d, ".github/workflows")))
    .sort();
}

export function analyze(yaml: string, opts: { context?: RepoContextInput; files?: SourceFile[]; path?: string } = {}): AnalysisResult {
  const context = opts.context !== undefined ? repoContextSchema.parse(opts.context) : undefined;
  return analyzeFiles([{ path: opts.path ?? ".github/workflows/ci.yml", content: yaml }, ...(opts.files ?? [])], context, { root: "repo" });
}

export function job(result: AnalysisResult, id: string): JobModel {
  const found = result.workflows.flatMap((w) => w.jobs).find((j) => j.id === id);
  if (found === undefined) throw new Error(`no job ${id} in ${JSON.stringify(result.errors)}`);
  return found;
}

export function findings(result: AnalysisResult, rule: string): Finding[] {
  return result.findings.filter((f) => f.rule === rule);
}

