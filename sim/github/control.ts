import { fakeSha, headOidFor, makeBlob, stableId } from "../fixtures/blob";
import type { ArtifactData, CacheData, OrgData, ReleaseData, RepoData, Visibility, WorkflowRunData } from "../fixtures/model";
import {
  addArtifact,
  addCache,
  addRelease,
  requireForceCancel,
  seedRun,
  type ArtifactInput,
  type CacheInput,
  type ReleaseInput,
  type SeedRunInput,
} from "./control-actions";
import type { SimCore } from "./core";
import { deployKeyShape } from "./routes-repos";
import { HTML } from "./shapes";
import type { DeliveryRecord, WebhookSender } from "./webhooks";
import { listWorkflows, repoRuns, runShape, workflowShape } from "./workflows";

// Fixture mutations used by tests, the demo and the /_sim control API. Each mutation that has
// a GitHub webhook sends it (and resolves after the delivery completed); secrets, variables and
// environments have no webhooks on GitHub, so changing them sends nothing.

export interface SecretTarget {
  org: string;
  repo?: string;
  environment?: string;
  name: string;
  /** org secrets only (default "private" when created) */
  visibility?: "all" | "private" | "selected";
  selectedRepositories?: string[];
}

export class SimControl {
  constructor(
    private readonly core: SimCore,
    private readonly hooks: WebhookSender,
  ) {}

  org(login: string): OrgData {
    const org = this.core.org(login);
    if (!org) throw new Error(`sim: unknown org "${login}"`);
    return org;
  }

  repo(login: string, name: string): { org: OrgData; repo: RepoData } {
    const org = this.org(login);
    const repo = this.core.repo(org, name);
    if (!repo) throw new Error(`sim: unknown repository "${login}/${name}"`);
    return { org, repo };
  }

  /** Commits file changes (text = add/modify, null = remove) and sends a `push` webhook. */
  async commitFiles(login: string, name: string, changes: Record<string, string | null>, message = "Update files"): Promise<DeliveryRecord> {
    const { org, repo } = this.repo(login, name);
    const added: string[] = [];
    const modified: string[] = [];
    const removed: string[] = [];
    for (const [path, text] of Object.entries(changes)) {
      const existed = repo.files.has(path);
      if (text === null) {
        if (existed) removed.push(path);
        repo.files.delete(path);
      } else {
        (existed ? modified : added).push(path);
        repo.files.set(path, makeBlob(text));
      }
    }
    const before = repo.headOid;
    repo.headOid = headOidFor(`${before}:${message}`, repo.files);
    repo.pushedAt = repo.updatedAt = this.core.nowIso();
    // Generated runs follow the files; the runs the control plane made are history and stay.
    const kept = [...(repo.runs?.values() ?? [])].filter((r) => r.persistent);
    repo.runs = null;
    if (kept.length > 0) {
      const runs = repoRuns(repo, this.core.now());
      for (const run of kept) runs.set(run.id, run);
    }
    const commit = {
      id: repo.headOid,
      tree_id: fakeSha("tree", repo.headOid),
      distinct: true,
      message,
      timestamp: repo.pushedAt,
      url: `${HTML}/${org.login}/${repo.name}/commit/${repo.headOid}`,
      author: { name: "Octo Cat", email: "octocat@users.noreply.github.com", username: "octocat" },
      committer: { name: "GitHub", email: "noreply@github.com", username: "web-flow" },
      added,
      removed,
      modified,
    };
    return this.hooks.send("push", org, repo, {
      ref: `refs/heads/${repo.defaultBranch}`,
      before,
      after: repo.headOid,
      created: false,
      deleted: false,
      forced: false,
      base_ref: null,
      compare: `${HTML}/${org.login}/${repo.name}/compare/${before.slice(0, 12)}...${repo.headOid.slice(0, 12)}`,
      commits: [commit],
      head_commit: commit,
      pusher: { name: "octocat", email: "octocat@users.noreply.github.com" },
    });
  }

  /** Adds or rotates (updated_at = now) a secret at repo, environment or org scope. No webhook. */
  setSecret(target: SecretTarget): void {
    const org = this.org(target.org);
    if (!target.repo) {
      const existing = org.secrets.find((s) => s.name === target.name);
      const now = this.core.nowIso();
      if (existing) {
        existing.updatedAt = now;
        if (target.visibility) existing.visibility = target.visibility;
        if (target.selectedRepositories) existing.selectedRepositories = target.selectedRepositories;
      } else {
        org.secrets.push({ name: target.name, createdAt: now, updatedAt: now, visibility: target.visibility ?? "private", selectedRepositories: target.selectedRepositories ?? [] });
      }
      return;
    }
    const { repo } = this.repo(target.org, target.repo);
    if (!target.environment) {
      this.core.upsertSecret(repo.secrets, target.name);
      return;
    }
    const env = repo.environments.find((e) => e.name === target.environment);
    if (!env) throw new Error(`sim: unknown environment "${target.environment}"`);
    this.core.upsertSecret(env.secrets, target.name);
  }

  deleteSecret(target: SecretTarget): boolean {
    const org = this.org(target.org);
    const list = !target.repo
      ? org.secrets
      : target.environment
        ? this.repo(target.org, target.repo).repo.environments.find((e) => e.name === target.environment)?.secrets
        : this.repo(target.org, target.repo).repo.secrets;
    const index = list?.findIndex((s) => s.name === target.name) ?? -1;
    if (!list || index < 0) return false;
    list.splice(index, 1);
    return true;
  }

  /** Creates a repository (sends `repository` created; `installation_repositories` added for selected installs). */
  async addRepository(login: string, name: string, visibility: Visibility = "private", files: Record<string, string> = {}): Promise<RepoData> {
    const org = this.org(login);
    if (this.core.repo(org, name)) throw new Error(`sim: repository "${login}/${name}" exists`);
    const now = this.core.nowIso();
    const fileMap = new Map(Object.entries(files).map(([p, t]) => [p, makeBlob(t)] as const));
    const repo: RepoData = {
      id: stableId("repo", org.id, name),
      name,
      description: null,
      visibility,
      fork: false,
      archived: false,
      defaultBranch: "main",
      topics: [],
      customProperties: {},
      createdAt: now,
      updatedAt: now,
      pushedAt: now,
      files: fileMap,
      headOid: headOidFor(`${login}/${name}`, fileMap),
      secrets: [],
      variables: [],
      environments: [],
      defaultWorkflowPermissions: org.defaultWorkflowPermissions,
      canApprovePullRequestReviews: false,
      oidcSub: { useDefault: true, includeClaimKeys: [] },
      deployKeys: [],
      runners: [],
      workflowStates: new Map(),
      runs: null,
      artifacts: [],
      caches: [],
      releases: [],
    };
    org.repos.push(repo);
    org.repos.sort((a, b) => (a.name < b.name ? -1 : 1));
    await this.hooks.send("repository", org, repo, { action: "created" });
    // A "selected" installation of the responder App gets it too (no webhook: that App has none).
    for (const other of this.core.installationsOnOrg(login)) {
      if (other.appId !== this.core.options.app?.id && other.repositories !== null) other.repositories.push(name);
    }
    const inst = this.core.installationForOrg(login);
    if (inst && inst.repositories !== null) {
      inst.repositories.push(name);
      await this.hooks.send("installation_repositories", org, null, {
        action: "added",
        repository_selection: "selected",
        repositories_added: [{ id: repo.id, node_id: String(repo.id), name, full_name: `${login}/${name}`, private: visibility !== "public" }],
        repositories_removed: [],
        requester: null,
      });
    }
    return repo;
  }

  async archiveRepository(login: string, name: string, archived: boolean): Promise<DeliveryRecord> {
    const { org, repo } = this.repo(login, name);
    repo.archived = archived;
    repo.updatedAt = this.core.nowIso();
    return this.hooks.send("repository", org, repo, { action: archived ? "archived" : "unarchived" });
  }

  async deleteRepository(login: string, name: string): Promise<DeliveryRecord> {
    const { org, repo } = this.repo(login, name);
    const record = await this.hooks.send("repository", org, repo, { action: "deleted" });
    org.repos.splice(org.repos.indexOf(repo), 1);
    return record;
  }

  /** Removes repositories from a "selected" installation (sends installation_repositories removed). */
  async removeFromInstallation(login: string, names: string[]): Promise<DeliveryRecord> {
    const org = this.org(login);
    const inst = this.core.installationForOrg(login);
    if (!inst) throw new Error(`sim: no installation on "${login}"`);
    const all = inst.repositories ?? org.repos.map((r) => r.name);
    inst.repositories = all.filter((n) => !names.includes(n));
    inst.repositorySelection = "selected";
    const removed = org.repos.filter((r) => names.includes(r.name));
    return this.hooks.send("installation_repositories", org, null, {
      action: "removed",
      repository_selection: "selected",
      repositories_added: [],
      repositories_removed: removed.map((r) => ({ id: r.id, node_id: String(r.id), name: r.name, full_name: `${login}/${r.name}`, private: r.visibility !== "public" })),
      requester: null,
    });
  }

  async addDeployKey(login: string, name: string, title: string, readOnly = true): Promise<DeliveryRecord> {
    const { org, repo } = this.repo(login, name);
    const key = {
      id: stableId("key", repo.id, title) % 10_000_000,
      title,
      key: `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${Buffer.from(fakeSha(title)).toString("base64").slice(0, 43)}`,
      readOnly,
      createdAt: this.core.nowIso(),
      addedBy: "octocat",
      lastUsed: null,
      enabled: true,
      verified: true,
    };
    repo.deployKeys.push(key);
    return this.hooks.send("deploy_key", org, repo, { action: "created", key: deployKeyShape(this.hooks.api, org, repo, key) });
  }

  /** Seeds a past (or running) workflow run at a given time; no webhook (history, not activity). */
  seedRun(login: string, name: string, input: SeedRunInput): WorkflowRunData {
    return seedRun(this.core, this.repo(login, name).repo, input);
  }

  /** Makes a run ignore a plain cancel: only force-cancel stops it. */
  requireForceCancel(login: string, name: string, runId: number): void {
    requireForceCancel(this.core, this.repo(login, name).repo, runId);
  }

  addArtifact(login: string, name: string, input: ArtifactInput): ArtifactData {
    return addArtifact(this.core, this.repo(login, name).repo, input);
  }

  addCache(login: string, name: string, input: CacheInput): CacheData {
    return addCache(this.core, this.repo(login, name).repo, input);
  }

  addRelease(login: string, name: string, input: ReleaseInput): ReleaseData {
    return addRelease(this.core, this.repo(login, name).repo, input);
  }

  /** Starts a run of a workflow and sends `workflow_run` (requested). */
  async startRun(login: string, name: string, workflowPath: string, event = "push"): Promise<DeliveryRecord> {
    const { org, repo } = this.repo(login, name);
    const wf = listWorkflows(repo).find((w) => w.path === workflowPath);
    if (!wf) throw new Error(`sim: no workflow "${workflowPath}" in ${login}/${name}`);
    const runs = repoRuns(repo, this.core.now());
    const id = stableId("run", wf.id, runs.size + 1000);
    const now = this.core.nowIso();
    const run = { id, workflowId: wf.id, workflowPath: wf.path, name: wf.name, event, status: "queued" as const, conclusion: null, headBranch: repo.defaultBranch, headSha: repo.headOid, runNumber: 200 + runs.size, createdAt: now, updatedAt: now, actor: "octocat", persistent: true as const };
    runs.set(id, run);
    return this.hooks.send("workflow_run", org, repo, {
      action: "requested",
      workflow_run: runShape(this.hooks.api, org, repo, run),
      workflow: workflowShape(this.hooks.api, org, repo, wf),
    });
  }
}
