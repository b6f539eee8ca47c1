import { contentHash, contentKey, createAnalysisCache, type AnalysisCache, type CachedFile } from "./cache";
import type { RepoContext } from "./context";
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_NODES, parseActionText, parseWorkflowText, screenInput, type ParseLimits } from "./parse";
import { contextRules, isOnlyCalled, reusableWorkflowDefaultPermissions, toFinding, WORKFLOW_CHECKS, type Emit } from "./rules";
import { readCompositeAction, type CompositeAction } from "./steps";
import { fileKindOf, type CiSystem } from "./ci-system";
import { analyzeBuildkite } from "./buildkite";
import { createTektonAnalysis } from "./tekton";
import { refused } from "./refused";
import { buildWorkflow, type WorkflowFacts } from "./workflow-model";
import { SCHEMA_VERSION, SEVERITIES, type AnalysisResult, type Finding, type SourceFile } from "./types";

export * from "./types";
export { RULES } from "./rules";
export { repoContextSchema, parseRepoContext, type RepoContext } from "./context";
export { createAnalysisCache, type AnalysisCache } from "./cache";
export { DEFAULT_MAX_BYTES } from "./parse";
export { fileKindOf, isActionFile } from "./ci-system";

export interface AnalyzeOptions {
  /** The scan root as the user named it; copied into every workflow, finding and error. */
  root?: string;
  cache?: AnalysisCache;
  limits?: Partial<ParseLimits>;
  /** Tool version for the result header. */
  version?: string;
  /**
   * Workflow files not to analyse (path → why): each becomes an error and a `parse-error`
   * finding, as a file refused before parsing does. The worker pool sets it for a file whose
   * analysis killed or overran its worker twice.
   */
  stopped?: Record<string, string>;
  /** Hears the path of each workflow file before it is analysed, then null before the repository-level rules. */
  onProgress?: (path: string | null) => void;
}

function normalise(path: string): string {
  const parts: string[] = [];
  for (const p of path.replace(/\\/g, "/").split("/")) {
    if (p === "" || p === ".") continue;
    if (p === "..") parts.pop();
    else parts.push(p);
  }
  return parts.join("/");
}

export function emptyResult(version = "0.0.0"): AnalysisResult {
  return { schemaVersion: SCHEMA_VERSION, tool: { name: "gatehouse", version }, workflows: [], findings: [], errors: [] };
}

/**
 * Analyses the files of one repository (workflows plus any local action files they use).
 * Pure: the same inputs give the same result; nothing is read but the arguments.
 */
export function analyzeFiles(files: SourceFile[], context?: RepoContext, options: AnalyzeOptions = {}): AnalysisResult {
  const root = options.root ?? "";
  const limits: ParseLimits = { maxBytes: options.limits?.maxBytes ?? DEFAULT_MAX_BYTES, maxNodes: options.limits?.maxNodes ?? DEFAULT_MAX_NODES };
  const cache = options.cache ?? createAnalysisCache(files.length + 16);
  const result = emptyResult(options.version);

  const actionFiles = new Map<string, SourceFile>();
  const workflows: Array<SourceFile & { system: CiSystem }> = [];
  for (const f of files) {
    // Every file given is meant to be analysed (`explicit`): only a non-pipeline YAML of a
    // Buildkite directory (a docker-compose.yml beside the pipeline) is passed over.
    const kind = fileKindOf(f.path, f.content, true);
    if (kind === "action") actionFiles.set(normalise(f.path), f);
    else if (kind !== null) workflows.push({ ...f, system: kind });
  }

  const actionsKey = [...actionFiles.entries()].map(([p, f]) => `${p}:${contentHash(f.content)}`).sort().join(",");
  const contextKey = context === undefined ? "" : JSON.stringify(context);
  const scope = actionsKey === "" && contextKey === "" ? `${limits.maxBytes}|${limits.maxNodes}` : contentHash(`${actionsKey}|${contextKey}|${limits.maxBytes}|${limits.maxNodes}`);

  const parsedActions = new Map<string, CompositeAction | undefined>();
  const resolve = (uses: string): CompositeAction | undefined => {
    const dir = normalise(uses.slice(2));
    if (parsedActions.has(dir)) return parsedActions.get(dir);
    let action: CompositeAction | undefined;
    const prefix = dir === "" ? "" : `${dir}/`;
    for (const name of [`${prefix}action.yml`, `${prefix}action.yaml`]) {
      const file = actionFiles.get(name);
      if (file === undefined) continue;
      const screened = screenInput(file.content, limits.maxBytes);
      if (!screened.ok) break;
      const parsed = parseActionText(name, screened.text, limits);
      if (parsed.ok) action = readCompositeAction(name, parsed.root);
      break;
    }
    parsedActions.set(dir, action);
    return action;
  };

  const stoppedOf = (f: SourceFile) => options.stopped?.[f.path] ?? options.stopped?.[normalise(f.path)];
  // Tekton files are read together: a run's Pipeline and Tasks may be in other files.
  const tektonFiles = workflows.filter((f) => f.system === "tekton" && stoppedOf(f) === undefined).map((f) => ({ path: normalise(f.path), content: f.content }));
  const tekton = createTektonAnalysis(tektonFiles, limits, options.onProgress);

  const facts: WorkflowFacts[] = [];
  for (const file of workflows) {
    const path = normalise(file.path);
    const stopped = stoppedOf(file);
    if (stopped !== undefined) {
      result.errors.push({ root, path, message: stopped });
      for (const f of refused(stopped).findings) result.findings.push({ ...f, root, path });
      continue;
    }
    options.onProgress?.(path);
    // The same text can be two systems' file (by place): the system is part of the key.
    const key = file.system === "github-actions" ? contentKey(file.content) : file.system === "tekton" ? tekton.key(path) : `${file.system}:${contentKey(file.content)}`;
    let cached = cache.get(scope, key);
    if (cached === undefined) {
      if (file.system === "github-actions") cached = analyzeOne(path, file.content, limits, resolve, context, cache);
      else if (file.system === "tekton") cached = tekton.analyze(path);
      else cached = analyzeBuildkiteFile(file.content, limits);
      cache.set(scope, key, cached);
    }
    if (cached.error !== null) {
      result.errors.push({ ...cached.error, root, path, ...(file.system === "github-actions" ? {} : { system: file.system }) });
    }
    if (cached.facts !== null) {
      facts.push(cached.facts);
      result.workflows.push({ ...cached.facts.model, root, path });
    } else if (cached.pipeline !== undefined) {
      result.workflows.push({ ...cached.pipeline, root, path });
    }
    for (const f of cached.findings) result.findings.push({ ...f, root, path });
  }

  options.onProgress?.(null);
  // Rules over the whole repository: not cached per file, since they read several files.
  const called = facts.some(isOnlyCalled);
  if (called || context !== undefined) {
    const paths = new Map(facts.map((f, i) => [f, result.workflows[i]?.path ?? ""]));
    const emitFor = (wf: WorkflowFacts | null): Emit => (f) => result.findings.push(toFinding(root, wf === null ? "" : (paths.get(wf) ?? ""), f));
    if (called) reusableWorkflowDefaultPermissions(facts.map((wf) => ({ wf, path: paths.get(wf) ?? "" })), context, emitFor);
    if (context !== undefined) contextRules(facts, context, emitFor);
  }
  result.findings.sort(compareFindings);
  return result;
}

/** A Buildkite file: its own reader, no GitHub repository-level rules. */
function analyzeBuildkiteFile(content: string | Uint8Array, limits: ParseLimits): CachedFile {
  const screened = screenInput(content, limits.maxBytes);
  if (!screened.ok) return refused(screened.message);
  return analyzeBuildkite(screened.text, limits);
}

function analyzeOne(
  path: string,
  content: string | Uint8Array,
  limits: ParseLimits,
  resolve: (uses: string) => CompositeAction | undefined,
  context: RepoContext | undefined,
  cache: AnalysisCache,
): CachedFile {
  const screened = screenInput(content, limits.maxBytes);
  if (!screened.ok) return refused(screened.message);
  const parseKey = `${limits.maxBytes}|${limits.maxNodes}|${path}`;
  let parsed = cache.getParsed(parseKey, screened.text);
  if (parsed === undefined) {
    parsed = parseWorkflowText(path, screened.text, limits);
    cache.setParsed(parseKey, screened.text, parsed);
  }
  if (!parsed.ok) return refused(parsed.message);
  // The parse may be shared with other repositories: the model gets its own warnings array.
  const wf = buildWorkflow("", "", parsed.root, [...parsed.warnings], resolve, context);
  const findings: Finding[] = [];
  const emit: Emit = (f) => findings.push(toFinding("", "", f));
  for (const check of WORKFLOW_CHECKS) check(wf, emit, context);
  return { facts: wf, findings, error: null };
}

const RANK = new Map(SEVERITIES.map((s, i) => [s, i]));

function compareFindings(a: Finding, b: Finding): number {
  return (
    a.path.localeCompare(b.path) ||
    a.line - b.line ||
    (RANK.get(a.severity) ?? 9) - (RANK.get(b.severity) ?? 9) ||
    a.rule.localeCompare(b.rule)
  );
}

/** Concatenates the results of several roots into one report. */
export function mergeResults(results: AnalysisResult[], version?: string): AnalysisResult {
  const out = emptyResult(version ?? results[0]?.tool.version);
  for (const r of results) {
    out.workflows.push(...r.workflows);
    out.findings.push(...r.findings);
    out.errors.push(...r.errors);
  }
  return out;
}

