import { expressionRefs, isPrHeadPath } from "./expressions";
import { headThenTail } from "./line-scan";
import { actionName, type StepModel, type StepValue } from "./steps";
import { FORK_UNTRUSTED, PR_CODE_EVENTS } from "./triggers";

// Does a job execute code that a pull request controls?
// - privileged: a `pull_request_target` / `workflow_run` / `issue_comment` run checks out
//   the PR head (by ref expression, `refs/pull/…`, or `gh pr checkout` in a script);
// - fork: a `pull_request` run checks out the PR (the default ref), without secrets.

export interface UntrustedCheckout {
  kind: "privileged" | "fork";
  step: number;
  line: number;
  trigger: string;
}

function namesPrHead(v: StepValue | undefined): boolean {
  if (v === undefined) return false;
  if (/refs\/pull\//.test(v.text)) return true;
  return v.exprs.some((e) => expressionRefs(e.expr).paths.some(isPrHeadPath));
}

const GH_PR_CHECKOUT = /\bgh\s+pr\s+checkout\b/;
// `git fetch … pull/`, `git checkout … ${{ github.head_ref }}` on one line.
const FETCH_PULL = [/\bgit\s+fetch\b/g, /\bpull\//g] as const;
const CHECKOUT_HEAD = [/\bgit\s+(checkout|switch)\b/g, /\$\{\{\s*github\.(head_ref|event\.pull_request\.head)/g] as const;

function scriptChecksOutPr(script: string): boolean {
  return GH_PR_CHECKOUT.test(script) || headThenTail(script, ...FETCH_PULL) !== null || headThenTail(script, ...CHECKOUT_HEAD) !== null;
}

export function isCheckout(s: StepModel): boolean {
  return s.uses !== null && actionName(s.uses) === "actions/checkout";
}

/** `triggers` are all the workflow's events; `outsider` the ones people without write access can start. */
export function untrustedCheckout(triggers: string[], outsider: string[], steps: StepModel[]): UntrustedCheckout | null {
  const privileged = triggers.find((t) => PR_CODE_EVENTS.has(t));
  if (privileged !== undefined) {
    for (const s of steps) {
      const hit =
        (isCheckout(s) && (namesPrHead(s.with.ref) || namesPrHead(s.with.repository))) ||
        (s.run !== null && (scriptChecksOutPr(s.run.text) || (/\bgit\b/.test(s.run.text) && namesPrHead(s.run))));
      if (hit) return { kind: "privileged", step: s.index, line: s.line, trigger: privileged };
    }
  }
  const fork = outsider.find((t) => FORK_UNTRUSTED.has(t));
  if (fork !== undefined) {
    const co = steps.find((s) => isCheckout(s) && s.with.ref === undefined && s.with.repository === undefined);
    if (co !== undefined) return { kind: "fork", step: co.index, line: co.line, trigger: fork };
  }
  return null;
}
