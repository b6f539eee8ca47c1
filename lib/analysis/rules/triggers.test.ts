import { describe, expect, it } from "vitest";
import { analyze, findings } from "../test-support";

// privileged-trigger: the trigger itself, rated by what the jobs it starts hold.

const RULE = "privileged-trigger";

function wf(on: string, jobBody: string, wfPerms = "permissions: {}"): string {
  return `on: ${on}\n${wfPerms}\njobs:\n  triage:\n    runs-on: ubuntu-latest\n${jobBody}\n    steps:\n      - run: ./triage.sh\n`;
}

const hit = (yaml: string) => {
  const r = analyze(yaml);
  expect(r.errors).toEqual([]);
  return findings(r, RULE);
};

describe("privileged-trigger", () => {
  it.each([
    ["pull_request_target", "    permissions: { pull-requests: write }", "high", "GITHUB_TOKEN write on pull-requests"],
    ["workflow_run", "    permissions: { contents: read }\n    env: { T: '${{ secrets.BOT }}' }", "high", "secret BOT"],
    ["issue_comment", "    permissions: { id-token: write }", "medium", "id-token: write (OIDC)"],
    ["pull_request_target", "", "medium", "the default GITHUB_TOKEN"],
    ["issues", "", "low", "the default GITHUB_TOKEN"],
    ["pull_request_target", "    permissions: { contents: read }", "low", "a read-only GITHUB_TOKEN"],
  ])("flags %s by what the job holds (%s)", (trigger, body, severity, holds) => {
    const [f] = hit(wf(trigger, body, body === "" ? "" : "permissions: {}"));
    expect(f?.severity).toBe(severity);
    expect(f?.line).toBe(1);
    expect(f?.message).toContain(`${trigger} runs job triage (`);
    expect(f?.message).toContain(holds);
  });

  it("names who can start it and lists several jobs on the trigger's own line", () => {
    const yaml = "on:\n  push:\n  pull_request_target:\n    types: [opened]\npermissions: {}\njobs:\n  a: { runs-on: x, permissions: { issues: write }, steps: [{ run: a }] }\n  b: { runs-on: x, permissions: { contents: read }, steps: [{ run: b }] }\n";
    const [f] = hit(yaml);
    expect(f?.line).toBe(3);
    expect(f?.job).toBeNull();
    expect(f?.message).toContain("jobs a (GITHUB_TOKEN write on issues); b (a read-only GITHUB_TOKEN) for anyone who opens a pull request");
  });

  it("lowers a job gated on the actor to info", () => {
    const [f] = hit(wf("issue_comment", "    if: github.event.comment.author_association == 'OWNER'\n    permissions: { pull-requests: write }"));
    expect(f?.severity).toBe("info");
  });

  it("is quiet for a job with permissions: {} and no secrets", () => {
    expect(hit(wf("pull_request_target", "    permissions: {}"))).toEqual([]);
  });

  it("is quiet for a job that only runs actions/labeler", () => {
    const yaml = "on: pull_request_target\npermissions: {}\njobs:\n  label:\n    runs-on: x\n    permissions: { pull-requests: write, contents: read }\n    steps:\n      - uses: actions/labeler@v5\n";
    expect(hit(yaml)).toEqual([]);
  });

  it("is quiet for maintainer-only activity types and trusted events", () => {
    expect(hit(wf("{ issues: { types: [labeled] } }", "    permissions: { issues: write }"))).toEqual([]);
    expect(hit(wf("push", "    permissions: { contents: write }"))).toEqual([]);
  });

  it("keeps the per-job credential rule for the worse case", () => {
    const r = analyze(wf("issue_comment", "    env: { T: '${{ secrets.DEPLOY_KEY }}' }"));
    expect(findings(r, "untrusted-trigger-with-credentials")).toHaveLength(1);
    expect(findings(r, RULE)).toHaveLength(1);
  });
});
