import { list, type RuleFinding } from "../rules/support";
import { getIn, scalarText } from "../yaml-docs";
import type { TektonJob } from "./jobs";
import type { RunFacts, TektonFileFacts } from "./model";
import { isClusterRef } from "./refs";
import { GIT_AUTH } from "./task";

// The Tekton rules (catalog: rules/catalog-tekton.ts). Each finding's line is a line of the
// file it is reported on; a reference written in another file is reported on that file's model.

function longLived(job: TektonJob): string[] {
  return [...new Set(job.model.secrets.filter((s) => !s.name.startsWith(GIT_AUTH)).map((s) => s.name))];
}

/** Something to lose: a long-lived secret, an account named for the run, a task that publishes or deploys. */
function holdsCredentials(run: RunFacts): boolean {
  return run.jobs.some((j) => longLived(j).length > 0 || j.activity !== "verify" || (j.account !== null && !j.account.implicit));
}

function gate(run: RunFacts): string {
  const t = run.context.triggers;
  if (t.source === "tekton-triggers") return `EventListener ${list(t.listeners ?? [])} starts it for every such event its interceptors accept (an interceptor may also check who, which this reading does not judge)`;
  return t.source === "lighthouse"
    ? "Lighthouse runs it for authors its trigger plugin trusts (OWNERS, organisation members) and for anyone after /ok-to-test"
    : "Pipelines-as-Code runs it for authors its ACL allows (collaborators, organisation members, OWNERS) and for anyone after /ok-to-test";
}

/** What the pull request controls: with Pipelines-as-Code and Lighthouse the run's definition too; behind a listener the definition is the cluster's, the code built is the pull request's. */
function controls(run: RunFacts): string {
  return run.context.triggers.source === "tekton-triggers" ? "the pull request's code runs in its tasks and can use" : "the pull request can change the run's definition and use";
}

const TRIGGER_WORDS: Record<string, string> = { comment: "pull-request comments (on-comment)", issue_comment: "comments (issue_comment)", pull_request: "pull requests" };

function triggerWords(run: RunFacts): string {
  return run.context.triggers.untrusted.map((t) => TRIGGER_WORDS[t] ?? t).join(" and ");
}

function registries(j: TektonJob): string {
  const ids = j.model.systems.filter((s) => s.kind !== "sigstore").map((s) => s.id ?? s.kind);
  return ids.length > 0 ? ` to ${ids.join(", ")}` : "";
}

function prServiceAccount(run: RunFacts, emit: (f: RuleFinding) => void): void {
  if (run.context.triggers.untrusted.length === 0) return;
  const byAccount = new Map<string, TektonJob[]>();
  for (const j of run.jobs) {
    if (j.account === null) continue;
    byAccount.set(j.account.id, [...(byAccount.get(j.account.id) ?? []), j]);
  }
  for (const [id, jobs] of byAccount) {
    const account = jobs[0]?.account;
    if (account === undefined || account === null) continue;
    const active = jobs.filter((j) => j.activity !== "verify");
    const deploys = active.some((j) => j.activity === "deploy");
    if (!account.implicit && active.length > 0) {
      const what = active.map((j) => `${j.model.id} (${j.activity === "deploy" ? "deploys" : "publishes"}${registries(j)})`);
      emit({
        rule: "tekton-pr-service-account",
        severity: deploys ? "critical" : "high",
        line: account.line,
        job: active[0]?.model.id ?? null,
        message: `${run.context.run.name ?? "the run"} is started by ${triggerWords(run)} and runs as service account ${id}, whose tasks ${list(what)}: ${gate(run)}, and ${controls(run)} everything the account's Secrets and RBAC allow`,
      });
    } else if (account.implicit) {
      emit({
        rule: "tekton-pr-service-account",
        severity: "medium",
        line: account.line,
        job: jobs[0]?.model.id ?? null,
        message: `${run.context.run.name ?? "the run"} is started by ${triggerWords(run)} and names no service account, so its tasks run as the namespace's default (Tekton's default-service-account: ${id}, or \`pipeline\` on OpenShift Pipelines): ${gate(run)}; what that account can do is set in the cluster`,
      });
    }
  }
}

function secretsInUntrusted(job: TektonJob, run: RunFacts, emit: (f: RuleFinding) => void): void {
  if (!job.model.runsUntrustedCode) return;
  const names = longLived(job);
  if (names.length === 0) return;
  const own = job.model.secrets.find((s) => s.action === undefined && !s.name.startsWith(GIT_AUTH));
  emit({
    rule: "tekton-secret-in-untrusted-task",
    line: own?.line ?? job.model.line,
    job: job.model.id,
    message: `task ${job.model.id} runs the code of ${triggerWords(run)} and gets secret${names.length > 1 ? "s" : ""} ${list(names)} (${[...new Set(job.model.secrets.filter((s) => names.includes(s.name)).map((s) => s.via))].join(", ")})`,
  });
}

function why(uses: string): string {
  if (uses.startsWith("bundles:")) return "is a bundle by tag, not by digest (@sha256:…)";
  if (uses.startsWith("git:")) return "is a git reference to a branch, tag or parameter, not to a commit SHA";
  if (uses.startsWith("hub:")) return uses.endsWith("@latest") ? "is the Tekton Hub's latest version at run time" : "is a Tekton Hub version, which its catalog can re-publish";
  if (uses.endsWith("@versionStream")) return "is resolved from the Jenkins X version stream at run time, not a commit";
  return "is not pinned to a commit or digest";
}

function unpinned(job: TektonJob, emit: (f: RuleFinding) => void): void {
  const seen = new Set<string>();
  const sensitive = job.activity !== "verify" || longLived(job).length > 0;
  for (const u of job.model.uses) {
    // A reference still holding `$(params.x)` is decided by whoever runs the pipeline; a run of the repository that gives it a value shows it in its own model.
    if (u.pinned || u.action !== undefined || isClusterRef(u.uses) || u.uses.includes("$(") || seen.has(u.uses)) continue;
    seen.add(u.uses);
    emit({
      rule: "tekton-unpinned-reference",
      severity: sensitive ? "high" : "medium",
      line: u.line,
      job: job.model.id,
      message: `${u.uses} ${why(u.uses)}${sensitive ? `, in task ${job.model.id}, which ${job.activity !== "verify" ? `${job.activity === "deploy" ? "deploys" : "publishes"}` : `holds ${list(longLived(job))}`}` : ""}`,
    });
  }
}

function cel(run: RunFacts, emit: (f: RuleFinding) => void): void {
  const c = run.context.triggers.cel;
  if (c === undefined) return;
  const name = run.context.run.name ?? "the run";
  const credentials = holdsCredentials(run);
  if (c.reading.anyEvent) {
    emit({
      rule: "tekton-cel-any-event",
      severity: credentials ? "high" : "medium",
      line: c.line,
      job: null,
      message: c.reading.parsed
        ? `the on-cel-expression of ${name} never tests \`event\`, so pull requests (and incoming webhooks) start it as pushes do${credentials ? ", with its service account and secrets" : ""}`
        : `the on-cel-expression of ${name} could not be read; it is taken to match every event, pull requests included`,
    });
  }
  if (c.reading.events.includes("pull_request") && c.reading.authorGates.length > 0 && credentials) {
    emit({
      rule: "tekton-cel-admits-forks",
      line: c.line,
      job: null,
      message: `the on-cel-expression of ${name} admits pull requests on ${list(c.reading.authorGates)}, which the pull request's author chooses (a fork names its own branches), and tests no \`source_url\`: a pull request from such a branch gets the run's credentials once Pipelines-as-Code's ACL lets its author in or someone comments /ok-to-test`,
    });
  }
}

function repositories(facts: TektonFileFacts, emit: (f: RuleFinding) => void): void {
  for (const r of facts.repositories) {
    const { doc, spec } = r;
    const name = r.name ?? "Repository";
    const url = scalarText(doc, getIn(doc, spec, "url"));
    const label = `Repository ${name}${url !== null ? ` (${url})` : ""}`;
    const settings = getIn(doc, spec, "settings");
    const provenanceNode = getIn(doc, settings, "pipelinerun_provenance");
    if (scalarText(doc, provenanceNode) !== "default_branch") {
      emit({
        rule: "tekton-repository-source-provenance",
        line: provenanceNode !== undefined ? doc.lineOf(provenanceNode) : r.line,
        job: null,
        message: `${label} takes PipelineRuns from the branch each event comes from (pipelinerun_provenance is not default_branch): a pull request's author that Pipelines-as-Code lets run CI chooses the run's service account, secrets and tasks`,
      });
    }
    const provider = getIn(doc, spec, "git_provider");
    const secret = getIn(doc, provider, "secret");
    const secretName = scalarText(doc, getIn(doc, secret, "name"));
    if (secretName !== null) {
      const key = scalarText(doc, getIn(doc, secret, "key")) ?? "provider.token";
      const webhook = scalarText(doc, getIn(doc, getIn(doc, provider, "webhook_secret"), "name"));
      emit({
        rule: "tekton-repository-git-token",
        line: doc.lineOf(secret),
        job: null,
        message: `${label} gives Pipelines-as-Code the git provider token in secret ${secretName}/${key}${webhook !== null ? ` (webhook secret ${webhook})` : ""}: a long-lived token, copied into every run's {{ git_auth_secret }}, pull-request runs included`,
      });
    }
  }
}

export function tektonFindings(facts: TektonFileFacts): RuleFinding[] {
  const out: RuleFinding[] = [];
  const emit = (f: RuleFinding) => out.push(f);
  for (const run of facts.runs) {
    prServiceAccount(run, emit);
    for (const j of run.jobs) secretsInUntrusted(j, run, emit);
    cel(run, emit);
  }
  for (const j of facts.jobs) unpinned(j, emit);
  repositories(facts, emit);
  return out;
}
