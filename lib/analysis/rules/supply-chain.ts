import { expressionRefs } from "../expressions";
import { writeScopes } from "../permissions";
import { actionName, isPinned, type StepModel } from "../steps";
import { isCheckout } from "../untrusted";
import { list, type WorkflowRule } from "./support";

const FIRST_PARTY = /^(actions|github)\//i;

function isFirstParty(uses: string): boolean {
  return FIRST_PARTY.test(uses);
}

function where(s: { action?: string; line: number }): string {
  return s.action !== undefined ? ` (inside ${s.action}, line ${s.line})` : "";
}

export const unpinnedAction: WorkflowRule = (wf, emit) => {
  for (const j of wf.jobs) {
    const seen = new Set<string>();
    const sensitive = j.model.phase === "publish" || j.model.phase === "deploy" || j.model.idToken;
    for (const u of j.model.uses) {
      if (u.pinned || seen.has(u.uses)) continue;
      seen.add(u.uses);
      const callerLine = u.action !== undefined ? (j.steps.find((s) => s.index === u.step && s.origin === null)?.line ?? u.line) : u.line;
      // The SLSA generator verifies its own tag and cannot be used by SHA.
      const tagOnly = /^slsa-framework\/slsa-github-generator\//i.test(u.uses);
      emit({
        rule: "unpinned-action",
        severity: isFirstParty(u.uses) || tagOnly ? "info" : sensitive ? "high" : "medium",
        line: callerLine,
        job: j.model.id,
        message: `${u.uses} is not pinned to a commit SHA${where(u)}${sensitive && !isFirstParty(u.uses) ? ` in job ${j.model.id}, which ${j.model.idToken ? "can mint OIDC tokens" : `is a ${j.model.phase} job`}` : ""}`,
      });
    }
  }
};

function secretsPassed(s: StepModel): string[] {
  const out = new Set<string>();
  for (const v of [...Object.values(s.with), ...Object.values(s.env)]) {
    for (const e of v.exprs) {
      const r = expressionRefs(e.expr);
      for (const n of r.secrets) if (n.toUpperCase() !== "GITHUB_TOKEN") out.add(n);
      if (r.allSecrets) out.add("(all secrets)");
    }
  }
  return [...out];
}

export const secretToUnpinnedAction: WorkflowRule = (wf, emit) => {
  for (const j of wf.jobs) {
    for (const s of j.steps) {
      if (s.uses === null || isPinned(s.uses)) continue;
      const secrets = secretsPassed(s);
      if (secrets.length === 0) continue;
      const caller = s.origin !== null ? j.steps.find((c) => c.index === s.index && c.origin === null) : undefined;
      emit({
        rule: "secret-to-unpinned-action",
        severity: isFirstParty(s.uses) ? "low" : "high",
        line: caller?.line ?? s.line,
        job: j.model.id,
        message: `${list(secrets)} ${secrets.length > 1 ? "are" : "is"} passed to ${s.uses}, which is not pinned to a commit${s.origin !== null ? ` (inside ${s.origin}, line ${s.line})` : ""}`,
      });
    }
  }
};

const UPLOADS = new Set(["actions/upload-artifact", "actions/upload-pages-artifact"]);

/** Could the uploaded paths include `.git/config`? True for the workspace root, globs from it, or a computed path. */
function uploadsWorkspace(s: StepModel): boolean {
  const path = s.with.path?.text;
  if (path === undefined) return actionName(s.uses ?? "") === "actions/upload-artifact";
  return path.split(/\n/).some((p) => {
    const t = p.trim().replace(/^["']|["']$/g, "");
    return t === "." || t === "./" || t === "*" || t.startsWith("**") || t.includes("${{") || /^\$\{?GITHUB_WORKSPACE\}?\/?$/.test(t);
  });
}

export const checkoutPersistedCredentials: WorkflowRule = (wf, emit) => {
  for (const j of wf.jobs) {
    const checkout = j.steps.find((s) => isCheckout(s) && s.with["persist-credentials"]?.text !== "false");
    if (checkout === undefined) continue;
    const upload = j.steps.find((s) => s.index > checkout.index && s.uses !== null && UPLOADS.has(actionName(s.uses) ?? "") && uploadsWorkspace(s));
    const writes = writeScopes(j.model.permissions).filter((x) => x !== "id-token");
    if (upload === undefined && writes.length === 0) continue;
    emit({
      rule: "checkout-persisted-credentials",
      severity: upload !== undefined ? "medium" : "low",
      line: checkout.line,
      job: j.model.id,
      message:
        upload !== undefined
          ? `job ${j.model.id} persists the GITHUB_TOKEN in .git/config (step ${checkout.index}) and later uploads an artifact (step ${upload.index})`
          : `job ${j.model.id} persists a GITHUB_TOKEN with write on ${writes.join(", ")} in .git/config (step ${checkout.index}), readable by every later step`,
    });
  }
};
