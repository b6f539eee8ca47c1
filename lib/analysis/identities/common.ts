import { expressionRefs } from "../expressions";
import type { StepModel, StepValue } from "../steps";
import type { ExternalSystem, Identity, IdentityKind, SecretRef, SystemKind } from "../types";

export interface JobCredentials {
  idToken: boolean;
  secrets: SecretRef[];
}

export interface Extracted {
  identities: Identity[];
  systems: ExternalSystem[];
}

/** Everything extractors see: the step, what the job holds, and what earlier steps found. */
export interface ExtractInput {
  step: StepModel;
  job: JobCredentials;
  out: Extracted;
}

export type Extractor = (input: ExtractInput) => void;

/** A literal identifier, or the expression text when the value is computed. */
export function idOf(v: StepValue | undefined): { id: string | null; symbolic: boolean } {
  if (v === undefined) return { id: null, symbolic: false };
  const t = v.text.trim();
  if (t === "") return { id: null, symbolic: false };
  // One whole `${{ expr }}` (no regular expression: `\s*(.*?)\s*` is quadratic in a run of spaces).
  if (t.length >= 5 && t.startsWith("${{") && t.endsWith("}}")) {
    const inner = t.slice(3, -2).trim();
    if (!inner.includes("}}")) return { id: inner, symbolic: true };
  }
  return { id: t, symbolic: t.includes("${{") };
}

export function secretsIn(...values: (StepValue | undefined)[]): string[] {
  const out = new Set<string>();
  for (const v of values) {
    if (v === undefined) continue;
    for (const e of v.exprs) for (const s of expressionRefs(e.expr).secrets) out.add(s);
  }
  return [...out];
}

export function identity(
  input: ExtractInput,
  kind: IdentityKind,
  v: StepValue | undefined | { id: string | null; symbolic: boolean },
  oidc: boolean,
  extra: { secrets?: string[]; heuristic?: boolean; line?: number; audience?: StepValue } = {},
): void {
  const ref = v === undefined ? { id: null, symbolic: false } : "text" in v ? idOf(v) : v;
  const aud = idOf(extra.audience);
  const { step } = input;
  input.out.identities.push({
    kind,
    id: ref.id,
    ...(ref.symbolic ? { symbolic: true } : {}),
    oidc,
    line: extra.line ?? step.line,
    step: step.index,
    source: step.uses !== null ? (step.uses.split("@")[0] ?? step.uses) : "run",
    ...(extra.secrets && extra.secrets.length > 0 ? { secrets: extra.secrets } : {}),
    ...(extra.heuristic ? { heuristic: true } : {}),
    ...(aud.id !== null ? { audience: aud.id, ...(aud.symbolic ? { audienceSymbolic: true } : {}) } : {}),
  });
}

export function system(input: ExtractInput, kind: SystemKind, id: string | null, symbolic = false, heuristic = false): void {
  const exists = input.out.systems.some((s) => s.kind === kind && s.id === id);
  if (!exists) input.out.systems.push({ kind, id, ...(symbolic ? { symbolic: true } : {}), ...(heuristic ? { heuristic: true } : {}) });
}
