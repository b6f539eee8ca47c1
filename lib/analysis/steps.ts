import { expressionRefs } from "./expressions";
import { conditionExpressions, entries, expressionsIn, get, items, lineOf, text, type ExprAt, type TemplateToken } from "./tree";

// Steps flattened for the rules: each `with`/`env`/`run`/`if` value keeps its text and its
// expressions. Local composite actions are inlined after their caller step, with
// `${{ inputs.X }}` carrying the caller's expressions so secrets passed in stay visible.

export interface StepValue {
  text: string;
  line: number;
  exprs: ExprAt[];
}

export interface StepModel {
  /** 1-based position in the job; inlined composite steps share their caller's index. */
  index: number;
  line: number;
  id: string | null;
  name: string | null;
  uses: string | null;
  run: StepValue | null;
  with: Record<string, StepValue>;
  env: Record<string, StepValue>;
  cond: StepValue | null;
  /** Local composite action path when the step comes from inside one. */
  origin: string | null;
}

export interface CompositeAction {
  path: string;
  steps: TemplateToken[];
  defaults: Record<string, StepValue>;
}

/** Finds a local action by its `uses: ./dir` reference; undefined when absent or not composite. */
export type ActionResolver = (uses: string) => CompositeAction | undefined;

export function valueOf(token: TemplateToken | undefined): StepValue | null {
  if (token === undefined) return null;
  const t = text(token);
  if (t === undefined) return null;
  return { text: t, line: lineOf(token), exprs: expressionsIn(token) };
}

function mapOf(token: TemplateToken | undefined): Record<string, StepValue> {
  const out: Record<string, StepValue> = {};
  for (const [key, value] of entries(token)) {
    const v = valueOf(value);
    if (v !== null) out[key] = v;
  }
  return out;
}

const INPUT_ONLY = /^\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}$/;

function substitute(v: StepValue, inputs: Record<string, StepValue>): StepValue {
  const whole = INPUT_ONLY.exec(v.text.trim());
  const carried: ExprAt[] = [];
  for (const e of v.exprs) {
    for (const name of expressionRefs(e.expr).inputs) {
      const given = inputs[name] ?? inputs[name.toLowerCase()];
      if (given) for (const g of given.exprs) carried.push({ expr: g.expr, line: e.line });
    }
  }
  if (whole?.[1] !== undefined) {
    const given = inputs[whole[1]];
    if (given) return { text: given.text, line: v.line, exprs: [...v.exprs, ...carried] };
  }
  return carried.length > 0 ? { ...v, exprs: [...v.exprs, ...carried] } : v;
}

function readStep(token: TemplateToken, index: number, origin: string | null, inputs: Record<string, StepValue> | null): StepModel {
  const uses = get(token, "uses");
  const sub = (v: StepValue | null): StepValue | null => (v !== null && inputs !== null ? substitute(v, inputs) : v);
  const subMap = (m: Record<string, StepValue>): Record<string, StepValue> =>
    inputs === null ? m : Object.fromEntries(Object.entries(m).map(([k, v]) => [k, substitute(v, inputs)]));
  const condToken = get(token, "if");
  const condExprs = conditionExpressions(condToken);
  return {
    index,
    line: lineOf(token),
    id: text(get(token, "id")) ?? null,
    name: text(get(token, "name")) ?? null,
    uses: uses !== undefined ? (text(uses) ?? null) : null,
    run: sub(valueOf(get(token, "run"))),
    with: subMap(mapOf(get(token, "with"))),
    env: subMap(mapOf(get(token, "env"))),
    cond: condToken !== undefined ? sub({ text: text(condToken) ?? "", line: lineOf(condToken), exprs: condExprs }) : null,
    origin,
  };
}

const MAX_COMPOSITE_DEPTH = 4;

export function readSteps(stepsToken: TemplateToken | undefined, resolve: ActionResolver): StepModel[] {
  const out: StepModel[] = [];
  items(stepsToken).forEach((token, i) => {
    const step = readStep(token, i + 1, null, null);
    out.push(step);
    inline(step, resolve, out, 1, new Set());
  });
  return out;
}

function inline(step: StepModel, resolve: ActionResolver, out: StepModel[], depth: number, seen: Set<string>): void {
  if (step.uses === null || !step.uses.startsWith("./") || depth > MAX_COMPOSITE_DEPTH) return;
  const action = resolve(step.uses);
  if (action === undefined || seen.has(action.path)) return;
  const inputs: Record<string, StepValue> = { ...action.defaults, ...step.with };
  const nextSeen = new Set(seen).add(action.path);
  for (const token of action.steps) {
    const inner = readStep(token, step.index, action.path, inputs);
    out.push(inner);
    inline(inner, resolve, out, depth + 1, nextSeen);
  }
}

export function readCompositeAction(path: string, root: TemplateToken): CompositeAction | undefined {
  const runs = get(root, "runs");
  const using = text(get(runs, "using"));
  if (using !== "composite") return undefined;
  const defaults: Record<string, StepValue> = {};
  for (const [name, def] of entries(get(root, "inputs"))) {
    const v = valueOf(get(def, "default"));
    if (v !== null) defaults[name] = v;
  }
  return { path, steps: items(get(runs, "steps")), defaults };
}

/** Pinned means a full 40-hex commit SHA (or a docker image digest); local paths need no pin. */
export function isPinned(uses: string): boolean {
  if (uses.startsWith("./")) return true;
  if (uses.startsWith("docker://")) return /@sha256:[0-9a-f]{64}$/.test(uses);
  const at = uses.lastIndexOf("@");
  return at > 0 && /^[0-9a-f]{40}$/.test(uses.slice(at + 1));
}

// Rules ask for the same references over and over: a bounded memo (references of ≤ 256 chars).
const names = new Map<string, string | null>();
const NAMES_LIMIT = 10_000;

/** `owner/repo` of an action reference, lower-cased; null for local and docker steps. */
export function actionName(uses: string): string | null {
  const hit = names.get(uses);
  if (hit !== undefined) return hit;
  const name = computeActionName(uses);
  if (uses.length <= 256) {
    if (names.size >= NAMES_LIMIT) names.clear();
    names.set(uses, name);
  }
  return name;
}

function computeActionName(uses: string): string | null {
  if (uses.startsWith("./") || uses.startsWith("docker://")) return null;
  const at = uses.indexOf("@");
  const path = (at >= 0 ? uses.slice(0, at) : uses).toLowerCase();
  const [owner, repo] = path.split("/");
  return owner !== undefined && repo !== undefined ? `${owner}/${repo}` : path;
}

