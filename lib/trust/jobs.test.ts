import { describe, expect, it } from "vitest";
import { analyze } from "../analysis/test-support";
import type { WorkflowModel } from "../analysis/types";
import { jobTokens, type JobTokens } from "./jobs";
import { composeSubject, resolveSubject, tokenRepo, type RepoIdentity, type SubTemplate } from "./subject";
import { display, hole, lit } from "./symbolic";

const REPO: RepoIdentity = { owner: "octo-org", name: "octo-repo", ownerId: "123456", repoId: "456789" };

function workflows(files: Record<string, string>): WorkflowModel[] {
  const entries = Object.entries(files);
  const [first, ...rest] = entries;
  const r = analyze((first as [string, string])[1], { path: (first as [string, string])[0], files: rest.map(([path, content]) => ({ path, content })) });
  return r.workflows;
}

function tokens(files: Record<string, string>, template: SubTemplate | null = { use_default: true, use_immutable_subject: false }, defaultBranch: string | null = "main"): JobTokens[] {
  const resolved = resolveSubject(REPO, template, false);
  if ("error" in resolved) throw new Error(resolved.error);
  return jobTokens(workflows(files), { repo: tokenRepo(resolved.repo), subject: resolved.settings, issuer: "https://token.actions.githubusercontent.com", defaultBranch });
}

function subs(j: JobTokens): string[] {
  return j.variants.flatMap((v) => v.alternatives.map((t) => display(t.claims.sub?.v ?? [])));
}

const job = (on: string, body = "") => `on: ${on}\npermissions: { id-token: write }\njobs:\n  j:\n    runs-on: ubuntu-latest\n${body}    steps: [{ run: echo }]\n`;

describe("default subject (GitHub OIDC reference, Example subject claims)", () => {
  it("environment wins over everything; `:` in it becomes %3A", () => {
    expect(subs(tokens({ ".github/workflows/a.yml": job("pull_request", "    environment: Production\n") })[0] as JobTokens)).toEqual(["repo:octo-org/octo-repo:environment:Production"]);
    expect(subs(tokens({ ".github/workflows/a.yml": job("push", "    environment: 'Production:V1'\n") })[0] as JobTokens)).toContain("repo:octo-org/octo-repo:environment:Production%3AV1");
  });
  it("pull_request without an environment; branches and tags otherwise", () => {
    expect(subs(tokens({ ".github/workflows/a.yml": job("pull_request") })[0] as JobTokens)).toEqual(["repo:octo-org/octo-repo:pull_request"]);
    expect(subs(tokens({ ".github/workflows/a.yml": job("{ push: { branches: [demo-branch] } }") })[0] as JobTokens)).toEqual(["repo:octo-org/octo-repo:ref:refs/heads/demo-branch"]);
    expect(subs(tokens({ ".github/workflows/a.yml": job("{ push: { tags: [demo-tag] } }") })[0] as JobTokens)).toEqual(["repo:octo-org/octo-repo:ref:refs/tags/demo-tag"]);
  });
  it("the immutable format carries owner and repository ids", () => {
    const t = tokens({ ".github/workflows/a.yml": job("{ push: { branches: [main] } }") }, { use_default: true, use_immutable_subject: true });
    expect(subs(t[0] as JobTokens)).toEqual(["repo:octo-org@123456/octo-repo@456789:ref:refs/heads/main"]);
  });
  it("refs a trigger leaves open stay unknown", () => {
    expect(subs(tokens({ ".github/workflows/a.yml": job("workflow_dispatch") })[0] as JobTokens)).toEqual([
      "repo:octo-org/octo-repo:ref:refs/heads/<branch>",
      "repo:octo-org/octo-repo:ref:refs/tags/<tag>",
    ]);
    expect(subs(tokens({ ".github/workflows/a.yml": job("schedule") }, undefined, null)[0] as JobTokens)).toEqual(["repo:octo-org/octo-repo:ref:refs/heads/<default branch>"]);
    expect(subs(tokens({ ".github/workflows/a.yml": job("{ push: { branches: ['release/*'] } }") })[0] as JobTokens)).toEqual(["repo:octo-org/octo-repo:ref:refs/heads/release/<branch>"]);
  });
  it("pull_request_target keeps both contexts: the documentation does not say which applies", () => {
    expect(subs(tokens({ ".github/workflows/a.yml": job("pull_request_target") })[0] as JobTokens)).toEqual([
      "repo:octo-org/octo-repo:pull_request",
      "repo:octo-org/octo-repo:ref:refs/heads/<branch>",
    ]);
  });
  it("an unknown format gives both alternatives", () => {
    expect(subs(tokens({ ".github/workflows/a.yml": job("{ push: { branches: [main] } }") }, null)[0] as JobTokens)).toEqual([
      "repo:octo-org/octo-repo:ref:refs/heads/main",
      "repo:octo-org@123456/octo-repo@456789:ref:refs/heads/main",
    ]);
  });
  it("jobs without id-token: write get no token", () => {
    expect(tokens({ ".github/workflows/a.yml": "on: push\npermissions: { contents: read }\njobs:\n  j: { runs-on: x, steps: [{ run: a }] }\n" })).toEqual([]);
  });
});

describe("customised subjects (GitHub OIDC reference, Customizing the subject claims)", () => {
  const input = (environment: string | null, claims: Record<string, string>) => ({
    ownerRepo: lit("octo-org/octo-repo"),
    environment: environment === null ? null : lit(environment),
    pullRequest: false,
    ref: lit("refs/heads/main"),
    claim: (name: string) => (claims[name] !== undefined ? lit(claims[name] as string) : undefined),
  });
  const compose = (keys: string[], environment: string | null, claims: Record<string, string>) => {
    const s = composeSubject(keys, input(environment, claims));
    return s === null ? null : display(s);
  };
  it("the documented templates", () => {
    expect(compose(["repository_owner", "repository_visibility"], null, { repository_owner: "monalisa", repository_visibility: "private" })).toBe("repository_owner:monalisa:repository_visibility:private");
    expect(compose(["job_workflow_ref"], null, { job_workflow_ref: "octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main" })).toBe(
      "job_workflow_ref:octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main",
    );
    expect(compose(["repo", "context", "job_workflow_ref"], "prod", { job_workflow_ref: "octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main" })).toBe(
      "repo:octo-org/octo-repo:environment:prod:job_workflow_ref:octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main",
    );
    expect(compose(["repo"], null, {})).toBe("repo:octo-org/octo-repo");
    expect(compose(["repository_id"], null, { repository_id: "74" })).toBe("repository_id:74");
    expect(compose(["environment", "repository_owner"], "production:eastus", { repository_owner: "octo-org" })).toBe("environment:production%3Aeastus:repository_owner:octo-org");
  });
  it("a template with environment gives no token to a job without one", () => {
    expect(compose(["environment"], null, {})).toBeNull();
    expect(tokens({ ".github/workflows/a.yml": job("push") }, { use_default: false, include_claim_keys: ["repo", "environment"] })).toEqual([]);
  });
  it("claims the workflow does not fix stay unknown", () => {
    const t = tokens({ ".github/workflows/a.yml": job("{ push: { branches: [main] } }") }, { use_default: false, include_claim_keys: ["repository_owner", "repository_visibility"] });
    expect(subs(t[0] as JobTokens)).toEqual(["repository_owner:octo-org:repository_visibility:<visibility>"]);
    expect(display(composeSubject(["actor"], { ...input(null, {}), claim: () => hole("actor") }) ?? [])).toBe("actor:<actor>");
  });
});

describe("reusable workflows", () => {
  const caller = "on: { push: { branches: [main] } }\npermissions: { id-token: write }\njobs:\n  call:\n    uses: ./.github/workflows/deploy.yml\n";
  const called = "on: workflow_call\njobs:\n  release:\n    runs-on: ubuntu-latest\n    environment: prod\n    steps: [{ run: echo }]\n";
  it("jobs of a called workflow run in the caller's context with their own job_workflow_ref", () => {
    const t = tokens({ ".github/workflows/main.yml": caller, ".github/workflows/deploy.yml": called });
    expect(t.map((j) => [j.path, j.job, j.cap])).toEqual([[".github/workflows/main.yml", "call/release", "yes"]]);
    const claims = (t[0] as JobTokens).variants[0]?.alternatives[0]?.claims;
    expect(display(claims?.sub?.v ?? [])).toBe("repo:octo-org/octo-repo:environment:prod");
    expect(display(claims?.workflow_ref?.v ?? [])).toBe("octo-org/octo-repo/.github/workflows/main.yml@refs/heads/main");
    expect(display(claims?.job_workflow_ref?.v ?? [])).toBe("octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main");
  });
  it("a caller that does not pass id-token: write gives none", () => {
    expect(tokens({ ".github/workflows/main.yml": caller.replace("id-token: write", "contents: read"), ".github/workflows/deploy.yml": called })).toEqual([]);
  });
  it("a workflow of another repository: open token, capped at possibly, branch or tag ref", () => {
    const t = tokens({ ".github/workflows/main.yml": caller.replace("./.github/workflows/deploy.yml", "octo-org/octo-automation/.github/workflows/oidc.yml@main") });
    expect(t).toHaveLength(1);
    expect(t[0]).toMatchObject({ job: "call", cap: "possibly", model: null });
    const refs = (t[0] as JobTokens).variants.flatMap((v) => v.alternatives.map((a) => display(a.claims.job_workflow_ref?.v ?? [])));
    expect(new Set(refs)).toEqual(new Set(["octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main", "octo-org/octo-automation/.github/workflows/oidc.yml@refs/tags/main"]));
  });
});

describe("resolveSubject", () => {
  it("trusts sub_claim_prefix over the flag, and takes the ids from it", () => {
    const r = resolveSubject({ owner: "octo-org", name: "octo-repo", ownerId: null, repoId: null }, { use_default: true, use_immutable_subject: false, sub_claim_prefix: "repo:octo-org@123456/octo-repo@456789" }, false);
    expect(r).toEqual({ repo: REPO, settings: { keys: null, formats: ["immutable"] } });
  });
  it("refuses a prefix of another repository; GHES has only the classic format", () => {
    expect(resolveSubject(REPO, { sub_claim_prefix: "repo:other/octo-repo" }, false)).toMatchObject({ error: expect.stringContaining("names other/octo-repo") });
    expect(resolveSubject(REPO, null, true)).toMatchObject({ settings: { formats: ["classic"] } });
    expect(resolveSubject(REPO, { include_claim_keys: ["repo", "context"] }, false)).toMatchObject({ settings: { keys: ["repo", "context"] } });
  });
});
