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

/** `vMAJOR[.MINOR]` of a tag ref; null for a SHA, a branch or no ref. */
function tagVersion(uses: string): { major: number; minor: number | null } | null {
  const m = /@v(\d+)(?:\.(\d+))?/.exec(uses);
  if (m?.[1] === undefined) return null;
  return { major: Number(m[1]), minor: m[2] !== undefined ? Number(m[2]) : null };
}

/** Where checkout leaves the token: `.git/config` before v6, `$RUNNER_TEMP` from v6 (a SHA is taken as before v6). */
function persistsInWorkspace(checkout: StepModel): boolean {
  const v = tagVersion(checkout.uses ?? "");
  return v === null || v.major < 6;
}

/** upload-artifact leaves hidden files (.git) out from v4.4 unless `include-hidden-files: true`; null when unknown (a SHA). */
function uploadsHidden(upload: StepModel): boolean | null {
  if (upload.with["include-hidden-files"]?.text.trim().toLowerCase() === "true") return true;
  const v = tagVersion(upload.uses ?? "");
  if (v === null) return null;
  if (v.major !== 4) return v.major < 4;
  return v.minor !== null && v.minor < 4;
}

function dirOf(path: string): string {
  const t = path.trim().replace(/^["']|["']$/g, "").replace(/^\.\/?/, "").replace(/\/+$/, "");
  return t;
}

/** The uploaded paths reach `<checkout dir>/.git`: an explicit .git path, the workspace, a parent of the checkout, or a fully computed path. */
function uploadReachesGit(upload: StepModel, checkoutDir: string): boolean {
  const paths = upload.with.path?.text;
  if (paths === undefined) return false;
  return paths.split(/\n/).some((raw) => {
    const p = raw.trim().replace(/^["']|["']$/g, "");
    if (p === "" || p.startsWith("!")) return false;
    if (/(^|\/)\.git(\/|$)/.test(p)) return true;
    const wholeExpression = p.startsWith("${{") && p.indexOf("}}") >= p.length - 3;
    if (wholeExpression || /^\$\{?GITHUB_WORKSPACE\}?\/?$/.test(p) || p === "*" || p.startsWith("**")) return true;
    const d = dirOf(p);
    return d === "" || checkoutDir === d || checkoutDir.startsWith(`${d}/`);
  });
}

const ARCHIVERS = new Set(["tar", "zip", "7z", "gzip"]);
const WORKSPACE = new Set([".", "./", "*", "$GITHUB_WORKSPACE", "${GITHUB_WORKSPACE}", "\"$GITHUB_WORKSPACE\"", "${{ github.workspace }}", "${{github.workspace}}"]);

/** A `run:` line archiving the workspace (`tar -cf build.tar .`) without excluding .git [heuristic]. */
function archivesWorkspace(step: StepModel): boolean {
  if (step.run === null) return false;
  for (const line of step.run.text.split("\n")) {
    const tokens = line.trim().split(/\s+/);
    if (!tokens.some((t) => ARCHIVERS.has(t))) continue;
    // Excluding .git, or archiving another directory (`-C dir`, `tar cC dir .`), is not the workspace.
    const bundled = tokens[tokens.indexOf("tar") + 1] ?? "";
    const otherDir = (t: string) => t === "--directory" || (t.startsWith("-") && !t.startsWith("--") && t.includes("C"));
    if (tokens.some((t) => (t.includes(".git") && (t.includes("exclude") || t === ".git")) || otherDir(t)) || (!bundled.startsWith("-") && bundled.includes("C"))) continue;
    if (tokens.some((t) => WORKSPACE.has(t)) || line.includes("${{ github.workspace }} ")) return true;
  }
  return false;
}

interface ArtifactLeak {
  checkout: StepModel;
  upload: StepModel;
  /** The upload action's version decides whether hidden files go in, and it is not known. */
  unsure: boolean;
  /** A script archived the workspace first and the archive is uploaded [heuristic]. */
  archive: boolean;
}

const leaks = new WeakMap<StepModel[], ArtifactLeak | null>();

/** The first checkout → upload pair that leaks the token (computed once per job's steps). */
function artifactLeak(steps: StepModel[]): ArtifactLeak | null {
  const hit = leaks.get(steps);
  if (hit !== undefined) return hit;
  const leak = findArtifactLeak(steps);
  leaks.set(steps, leak);
  return leak;
}

function findArtifactLeak(steps: StepModel[]): ArtifactLeak | null {
  if (!steps.some((s) => s.uses !== null && /^actions\/upload-artifact@/i.test(s.uses))) return null;
  for (const checkout of steps) {
    if (!isCheckout(checkout) || checkout.with["persist-credentials"]?.text.trim().toLowerCase() === "false" || !persistsInWorkspace(checkout)) continue;
    const dir = dirOf(checkout.with.path?.text ?? "");
    for (const upload of steps) {
      if (upload.index <= checkout.index || upload.uses === null || actionName(upload.uses) !== "actions/upload-artifact") continue;
      const archive = /\.(tar|tgz|tar\.gz|tar\.xz|tar\.zst|zip|7z)\s*$/.test(upload.with.path?.text.trim() ?? "");
      const archived = archive && steps.some((a) => a.index > checkout.index && a.index < upload.index && archivesWorkspace(a));
      if (archived) return { checkout, upload, unsure: false, archive: true };
      if (!uploadReachesGit(upload, dir)) continue;
      const hidden = uploadsHidden(upload);
      if (hidden === false) continue;
      return { checkout, upload, unsure: hidden === null, archive: false };
    }
  }
  return null;
}

export const artifactLeaksToken: WorkflowRule = (wf, emit) => {
  for (const j of wf.jobs) {
    const leak = artifactLeak(j.steps);
    if (leak === null) continue;
    const writes = writeScopes(j.model.permissions).filter((x) => x !== "id-token");
    const token = j.model.permissions === null ? "the default GITHUB_TOKEN (read/write unless restricted)" : writes.length > 0 ? `a GITHUB_TOKEN with write on ${writes.join(", ")}` : "a read-only GITHUB_TOKEN";
    const what = leak.upload.with.path?.text.trim().split(/\n/)[0] ?? ".";
    const caller = leak.upload.origin === null ? leak.upload : (j.steps.find((s) => s.index === leak.upload.index && s.origin === null) ?? leak.upload);
    emit({
      rule: "artifact-leaks-token",
      severity: writes.length > 0 || j.model.permissions === null ? "high" : "medium",
      line: caller.line,
      job: j.model.id,
      message: `step ${leak.upload.index} of job ${j.model.id} uploads an artifact of \`${what}\` that includes .git/config${leak.archive ? " (an archive of the workspace made by a script) [heuristic]" : ""}, where actions/checkout (step ${leak.checkout.index}) persisted ${token}, so anyone who can download the run's artifacts (everyone, on a public repository) can use the token while the job runs${leak.unsure ? " (unless the pinned upload-artifact is v4.4 or later, which leaves hidden files out)" : ""}`,
    });
  }
};

export const checkoutPersistedCredentials: WorkflowRule = (wf, emit) => {
  for (const j of wf.jobs) {
    // The upload case is artifact-leaks-token's.
    if (artifactLeak(j.steps) !== null) continue;
    const checkout = j.steps.find((s) => isCheckout(s) && s.with["persist-credentials"]?.text !== "false");
    if (checkout === undefined) continue;
    const writes = writeScopes(j.model.permissions).filter((x) => x !== "id-token");
    if (writes.length === 0) continue;
    emit({
      rule: "checkout-persisted-credentials",
      severity: "low",
      line: checkout.line,
      job: j.model.id,
      message: `job ${j.model.id} persists a GITHUB_TOKEN with write on ${writes.join(", ")} in .git/config (step ${checkout.index}), readable by every later step`,
    });
  }
};
