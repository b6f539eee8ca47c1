import type { RuleMeta } from "./catalog";

export const BUILDKITE_RULES: readonly RuleMeta[] = [];
