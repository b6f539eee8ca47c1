import type { CachedFile } from "../cache";
import type { ParseLimits } from "../parse";
import { refused } from "../refused";
import { toFinding, type RuleFinding } from "../rules/support";
import type { WorkflowModel } from "../types";
import { parseYamlDocuments, YamlTooLarge } from "../yaml-docs";
import { buildSources, pullRequestGate } from "./conditions";
import { readPipeline, TooManySteps } from "./read";
import type { RawStep } from "./steps";
import { BUILDKITE_CHECKS } from "./rules";
import { buildStep, type StepFacts } from "./step-model";

// A Buildkite pipeline file → one WorkflowModel (system "buildkite"), one job per step, and the
// findings of BUILDKITE_RULES. README.md says what is read and what only the Buildkite API knows.

/** The step's `key` (or `id`), else its label, else `step-N`; made unique within the file. */
function stepIds(steps: RawStep[]): string[] {
  const used = new Map<string, number>();
  return steps.map((s) => {
    const base = s.key ?? s.label?.trim() ?? `step-${s.position}`;
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    return n === 1 ? base : `${base} (${n})`;
  });
}

/** What starts the pipeline, as far as its conditions say: the file names no triggers. */
function triggersOf(steps: RawStep[]): string[] {
  const out = new Set<string>();
  for (const s of steps) {
    for (const c of s.conditions) {
      if (pullRequestGate(c.text) !== "none") out.add("pull_request");
      for (const source of buildSources(c.text)) out.add(source);
    }
  }
  return [...out].sort();
}

function outsideWarning(steps: StepFacts[]): string[] {
  const names = [...new Set(steps.flatMap((s) => s.fromOutside))].sort();
  if (names.length === 0) return [];
  const shown = names.length > 8 ? `${names.slice(0, 8).join(", ")} and ${names.length - 8} more` : names.join(", ");
  return [
    `steps read credential variables this file never sets (${shown}): they come from agent or repository hooks (.buildkite/hooks/), plugins or the agents' environment, which the file does not show`,
  ];
}

export function analyzeBuildkite(text: string, limits: ParseLimits): CachedFile {
  try {
    const parsed = parseYamlDocuments(text, limits.maxNodes);
    if (!parsed.ok) return refused(parsed.message);
    const read = readPipeline(parsed.docs, text.length);
    if (!read.ok) return refused(read.message);
    const { steps: rawSteps, warnings } = read.pipeline;
    const ids = stepIds(rawSteps);
    const steps = rawSteps.map((raw, i) => buildStep(raw, ids[i] ?? `step-${raw.position}`));
    const findings: RuleFinding[] = [];
    for (const check of BUILDKITE_CHECKS) check(steps, (f) => findings.push(f));
    const pipeline: WorkflowModel = {
      system: "buildkite",
      root: "",
      path: "",
      name: null,
      triggers: triggersOf(rawSteps),
      untrustedTriggers: [],
      jobs: steps.map((s) => s.model),
      warnings: [...parsed.warnings, ...warnings, ...outsideWarning(steps)],
    };
    return { facts: null, pipeline, findings: findings.map((f) => toFinding("", "", f)), error: null };
  } catch (e) {
    if (e instanceof YamlTooLarge || e instanceof TooManySteps) return refused(e.message);
    throw e;
  }
}
