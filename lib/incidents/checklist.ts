// The seven steps (ARCHITECTURE.md, "Incident playbook") expanded into one item per thing to
// do, from a frozen scope. Pure: the same scope gives the same items, in the same order
// (exposed first within a step).
import type { ScopeEntry } from "./scope";
import { REGISTRY_STEPS, REVOCABLE_IDENTITIES, ghApi, rebuildReleaseCommand, rebuildReleaseDetail, registryOfSecret, revokeIdentityCommand, runLogsCommand, secretSetCommand } from "./commands";
import { isGithubWorkflow as isGithub, workflowRef } from "./exposure";
import { buildkiteContainCommand, externalSecretCommand, tektonContainCommand } from "./pipeline-commands";


export const STEPS = [
  { step: 1, title: "Disable the workflows and cancel their runs" },
  { step: 2, title: "Revoke sessions and OIDC trust" },
  { step: 3, title: "Rotate static secrets" },
  { step: 4, title: "Invalidate registry and publish credentials" },
  { step: 5, title: "Rebuild from a clean runner" },
  { step: 6, title: "Review logs, caches, artifacts and destinations" },
  { step: 7, title: "Restore behind a fixed boundary" },
] as const;

/** What an item is about; the kinds that incident-actions.ts acts on are listed in its ITEM_KIND. */
export type ItemKind =
  | "disable-workflow"
  /** A Buildkite or Tekton pipeline of the repository: stop it and cancel its builds (commands: pipeline-commands.ts; through a pipeline source: pipeline-contain.ts). */
  | "contain-pipeline"
  | "revoke-identity"
  | "delete-deploy-key"
  | "rotate-secret"
  | "revoke-registry"
  | "rebuild"
  | "rebuild-release"
  | "delete-caches"
  | "delete-run-logs"
  | "review-destinations"
  | "restore-workflow";

export interface PlannedItem {
  step: number;
  kind: ItemKind;
  scopeKey: string | null;
  label: string;
  detail: string | null;
  owner: string | null;
  command: string | null;
  exposed: boolean;
}

const byExposure = (a: ScopeEntry, b: ScopeEntry) => Number(b.exposure === "exposed") - Number(a.exposure === "exposed") || a.label.localeCompare(b.label);
const scopeKey = (e: ScopeEntry) => `${e.kind}:${e.key}`;
const str = (v: unknown) => (typeof v === "string" ? v : null);

export interface PlanContext {
  org: string;
  startedAt: Date;
  /** The compromise window, when the incident has one (the run-log commands list the runs inside it). */
  window?: { from: Date; to: Date } | null;
}

export function planChecklist(scope: ScopeEntry[], ctx: PlanContext): PlannedItem[] {
  const of = (kind: ScopeEntry["kind"]) => scope.filter((e) => e.kind === kind).sort(byExposure);
  // Buildkite and Tekton pipelines are contained through their own systems; the GitHub
  // workflow items (disable, caches, run logs, re-enable) are about GitHub Actions only.
  const workflows = of("workflow").filter(isGithub);
  const pipelines = of("workflow").filter((w) => !isGithub(w));
  const items: PlannedItem[] = [];

  for (const p of pipelines) {
    const system = String(p.data.system);
    const serviceAccounts = of("identity")
      .filter((i) => i.data.kind === "k8s-service-account" && Array.isArray(i.data.workflowIds) && (i.data.workflowIds as string[]).includes(p.key))
      .map((i) => String(i.data.identifier ?? ""))
      .filter((n) => n !== "");
    items.push({
      step: 1,
      kind: "contain-pipeline",
      scopeKey: scopeKey(p),
      label: system === "tekton" ? `Stop the Tekton runs of ${p.label} and cut its service account's tokens` : `Archive the Buildkite pipeline running ${p.label} and cancel its builds`,
      detail:
        system === "tekton"
          ? `Pipelines-as-Code starts it from ${String(p.data.repo)}: removing the Repository stops new runs; restore it from the saved YAML once the cause is gone.`
          : `Buildkite runs it for ${String(p.data.repo)}: archiving stops new builds; unarchive it once the cause is gone.`,
      owner: str(p.data.owner),
      command: system === "tekton" ? tektonContainCommand(String(p.data.repo), serviceAccounts) : buildkiteContainCommand(String(p.data.repo)),
      exposed: p.exposure === "exposed",
    });
  }

  for (const w of workflows) {
    const path = `/repos/${String(w.data.repo)}/actions/workflows/${workflowRef(w.data)}`;
    items.push({
      step: 1,
      kind: "disable-workflow",
      scopeKey: scopeKey(w),
      label: `Disable ${w.label} and cancel its runs`,
      detail: w.exposure === "exposed" ? `${String(w.data.runsInWindow ?? "Some")} run(s) inside the window.` : null,
      owner: str(w.data.owner),
      command: [ghApi("PUT", `${path}/disable`), `${ghApi("GET", `${path}/runs`)} -f status=in_progress --jq '.workflow_runs[].id'  # then for each: ${ghApi("POST", `/repos/${String(w.data.repo)}/actions/runs/<id>/cancel`)}`].join("\n"),
      exposed: w.exposure === "exposed",
    });
  }

  for (const i of of("identity").filter((e) => REVOCABLE_IDENTITIES.has(String(e.data.kind)))) {
    const c = revokeIdentityCommand(String(i.data.kind), str(i.data.identifier), ctx.startedAt);
    items.push({ step: 2, kind: "revoke-identity", scopeKey: scopeKey(i), label: `Revoke ${i.label}`, detail: c.detail, owner: null, command: c.command, exposed: i.exposure === "exposed" });
  }
  for (const k of of("deploy-key")) {
    items.push({
      step: 2,
      kind: "delete-deploy-key",
      scopeKey: scopeKey(k),
      label: `Delete deploy key ${k.label}`,
      detail: k.data.readOnly ? "Read-only key." : "Read-write key: it can push to the repository.",
      owner: null,
      command: ghApi("DELETE", `/repos/${String(k.data.repo)}/keys/${String(k.data.keyId)}`),
      exposed: k.exposure === "exposed",
    });
  }

  const identities = of("identity");
  for (const s of of("secret")) {
    const name = String(s.data.name);
    const issuer = identities.find((i) => Array.isArray(i.data.secretNames) && (i.data.secretNames as string[]).some((n) => n.toUpperCase() === name.toUpperCase()));
    const registry = registryOfSecret(name);
    const issuedBy = issuer ? `Issued by: ${issuer.label} — revoke it there and issue a new one.` : registry ? `Probably issued by ${registry} — revoke it there and issue a new one.` : "Revoke it where it was issued, then issue a new one.";
    const every = s.data.scope === "all";
    if (s.data.scope === "external") {
      const c = externalSecretCommand(String(s.data.system), name);
      items.push({ step: 3, kind: "rotate-secret", scopeKey: scopeKey(s), label: `Rotate ${name} (${String(s.data.where)})`, detail: c.detail, owner: str(s.data.owner), command: c.command, exposed: s.exposure === "exposed" });
      continue;
    }
    items.push({
      step: 3,
      kind: "rotate-secret",
      scopeKey: scopeKey(s),
      label: every ? `Rotate ${s.label}` : `Rotate ${name} (${String(s.data.where)})`,
      detail: every ? "A job reads every secret of the repository through toJSON(secrets): each of them is reachable." : issuedBy,
      owner: str(s.data.owner),
      command: every ? null : secretSetCommand({ name, scope: String(s.data.scope), repo: str(s.data.repo), environment: str(s.data.environment), visibility: str(s.data.visibility) }, ctx.org),
      exposed: s.exposure === "exposed",
    });
  }

  const registries = new Map<string, ScopeEntry>();
  for (const e of of("system")) if (REGISTRY_STEPS[String(e.data.kind)]) registries.set(e.key, e);
  for (const i of identities) if (i.data.kind === "cosign-key") registries.set(i.key, i);
  for (const r of registries.values()) {
    const steps = REGISTRY_STEPS[String(r.data.kind)]!;
    items.push({
      step: 4,
      kind: "revoke-registry",
      scopeKey: scopeKey(r),
      label: `Invalidate publishing to ${r.label}`,
      detail: steps.trustedPublishing ? `${steps.revoke}\nRemove the static token for good: ${steps.trustedPublishing}` : steps.revoke,
      owner: null,
      command: null,
      exposed: r.exposure === "exposed",
    });
  }

  const releases = of("release");
  for (const r of releases) {
    const d = r.data;
    items.push({
      step: 5,
      kind: "rebuild-release",
      scopeKey: scopeKey(r),
      label: `Rebuild ${String(d.repo)} ${String(d.tagName)} from a clean runner`,
      detail: rebuildReleaseDetail({
        repo: String(d.repo),
        tagName: String(d.tagName),
        name: str(d.name),
        createdAt: String(d.createdAt),
        publishedAt: str(d.publishedAt),
        draft: d.draft === true,
        prerelease: d.prerelease === true,
        htmlUrl: String(d.htmlUrl),
        workflowsInWindow: Array.isArray(d.workflowsInWindow) ? (d.workflowsInWindow as { path: string; runs: number }[]) : [],
        registries: Array.isArray(d.registries) ? (d.registries as string[]) : [],
      }),
      owner: str(d.owner),
      command: rebuildReleaseCommand({ repo: String(d.repo), id: Number(d.id), tagName: String(d.tagName), targetCommitish: String(d.targetCommitish) }),
      exposed: r.exposure === "exposed",
    });
  }
  for (const w of [...workflows, ...pipelines].filter((e) => Array.isArray(e.data.phases) && (e.data.phases as string[]).some((p) => p === "publish" || p === "deploy"))) {
    const released = releases.filter((r) => r.data.repo === w.data.repo).length;
    items.push({
      step: 5,
      kind: "rebuild",
      scopeKey: scopeKey(w),
      label: `Rebuild what ${w.label} released`,
      detail: `Delete the artifacts of its runs inside the window, and rebuild each package it produced from a clean runner after the fix.${released > 0 ? ` The ${released} release(s) of ${String(w.data.repo)} inside the window have items of their own.` : ""}`,
      owner: str(w.data.owner),
      command: isGithub(w) ? `${ghApi("GET", `/repos/${String(w.data.repo)}/actions/artifacts`)}\n${ghApi("GET", `/repos/${String(w.data.repo)}/releases`)}` : ghApi("GET", `/repos/${String(w.data.repo)}/releases`),
      exposed: w.exposure === "exposed",
    });
  }

  for (const r of of("repository")) {
    items.push({
      step: 6,
      kind: "delete-caches",
      scopeKey: scopeKey(r),
      label: `Delete the Actions caches of ${r.label}`,
      detail: "A poisoned cache outlives the fix: every cache of the repository goes.",
      owner: str(r.data.owner),
      command: `${ghApi("GET", `/repos/${r.label}/actions/caches`)} --jq '.actions_caches[].id'  # then for each: ${ghApi("DELETE", `/repos/${r.label}/actions/caches/<id>`)}`,
      exposed: r.exposure === "exposed",
    });
    if (r.data.logReview) {
      const refs = workflows.filter((w) => w.data.repo === r.label).map((w) => workflowRef(w.data));
      items.push({
        step: 6,
        kind: "delete-run-logs",
        scopeKey: scopeKey(r),
        label: `Review and delete the logs of runs inside the window (${r.label} is public)`,
        detail: `Logs of a public repository are world-readable: read them for leaked values first (keep a copy as evidence), then delete the logs of every completed run of its ${refs.length} in-scope workflow(s) inside the window.`,
        owner: str(r.data.owner),
        command: ctx.window && refs.length > 0 ? runLogsCommand(r.label, refs, ctx.window) : ghApi("DELETE", `/repos/${r.label}/actions/runs/<run-id>/logs`),
        exposed: true,
      });
    }
  }
  const systems = of("system");
  if (systems.length > 0) {
    items.push({
      step: 6,
      kind: "review-destinations",
      scopeKey: null,
      label: `Review what the jobs talked to (${systems.length} system${systems.length === 1 ? "" : "s"})`,
      detail: systems.map((s) => `${s.exposure === "exposed" ? "exposed: " : ""}${s.label}`).join("\n"),
      owner: null,
      command: null,
      exposed: systems.some((s) => s.exposure === "exposed"),
    });
  }

  for (const w of workflows) {
    items.push({
      step: 7,
      kind: "restore-workflow",
      scopeKey: scopeKey(w),
      label: `Re-enable ${w.label} once the cause is gone`,
      detail: "Allowed when a sync shows the cause removed from it (the action pinned to a known-good SHA or removed), or by an admin with a written reason.",
      owner: str(w.data.owner),
      command: ghApi("PUT", `/repos/${String(w.data.repo)}/actions/workflows/${workflowRef(w.data)}/enable`),
      exposed: w.exposure === "exposed",
    });
  }
  return items;
}
