import type { Severity } from "../types";
import { CONTEXT_RULES } from "./catalog-context";
import { WORKFLOW_RULES } from "./catalog-workflow";
import { BUILDKITE_RULES } from "./catalog-buildkite";
import { TEKTON_RULES } from "./catalog-tekton";

// One entry per stable rule id. Ids never change meaning; a retired rule keeps its id.

export interface RuleMeta {
  id: string;
  /** The usual severity; a rule may raise or lower it for a specific finding. */
  severity: Severity;
  title: string;
  why: string;
  example: string;
  fix: string;
  /** Needs repository context (`--context`). */
  needsContext?: boolean;
}

export const RULES: readonly RuleMeta[] = [...WORKFLOW_RULES, ...CONTEXT_RULES, ...BUILDKITE_RULES, ...TEKTON_RULES];

const BY_ID = new Map(RULES.map((r) => [r.id, r]));

export function ruleMeta(id: string): RuleMeta {
  const meta = BY_ID.get(id);
  if (meta === undefined) throw new Error(`unknown rule id ${id}`);
  return meta;
}
