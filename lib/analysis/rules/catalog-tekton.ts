import type { RuleMeta } from "./catalog";

export const TEKTON_RULES: readonly RuleMeta[] = [];
