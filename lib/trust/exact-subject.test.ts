import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyzeFiles } from "../analysis/index";
import { evaluateTrusts, type TrustOptions } from "./evaluate";
import { jobTokens } from "./jobs";
import { vaultRole } from "./parse-providers";
import { tokenRepo } from "./subject";
import { concrete } from "./symbolic";
import { allow, awsRole, GITHUB } from "./test-support";
import type { Trust } from "./types";

// Property: a trust whose only subject rule is one exact `sub` matches exactly the jobs that
// can get a token with that `sub` — with yes, never possibly — for all four providers.

const OPTIONS: TrustOptions = {
  repo: { owner: "acme", name: "app", ownerId: "65", repoId: "74" },
  subject: { keys: null, formats: ["classic"] },
  issuer: GITHUB,
  defaultBranch: "main",
};

const jobArb = fc.record({
  environment: fc.option(fc.constantFrom("production", "staging", "prod:eu"), { nil: null }),
  idToken: fc.boolean(),
});
const workflowArb = fc.record({
  branches: fc.subarray(["main", "dev", "release/1.0"], { minLength: 1 }),
  tags: fc.option(fc.subarray(["v1", "v2.0.0"], { minLength: 1 }), { nil: null }),
  pullRequest: fc.boolean(),
  schedule: fc.boolean(),
  jobs: fc.array(jobArb, { minLength: 1, maxLength: 3 }),
});

type GeneratedWorkflow = { branches: string[]; tags: string[] | null; pullRequest: boolean; schedule: boolean; jobs: { environment: string | null; idToken: boolean }[] };

function yaml(w: GeneratedWorkflow): string {
  const on = [`  push:\n    branches: [${w.branches.map((b) => `'${b}'`).join(", ")}]${w.tags !== null ? `\n    tags: [${w.tags.map((t) => `'${t}'`).join(", ")}]` : ""}`];
  if (w.pullRequest) on.push("  pull_request:");
  if (w.schedule) on.push("  schedule: [{ cron: '0 0 * * *' }]");
  const jobs = w.jobs.map(
    (j, i) =>
      `  j${i}:\n    runs-on: ubuntu-latest\n    permissions: { id-token: ${j.idToken ? "write" : "none"} }\n${j.environment !== null ? `    environment: '${j.environment}'\n` : ""}    steps: [{ run: echo }]`,
  );
  return `on:\n${on.join("\n")}\njobs:\n${jobs.join("\n")}\n`;
}

function trustsFor(sub: string): Trust[] {
  return [
    awsRole([allow({ StringEquals: { "token.actions.githubusercontent.com:sub": sub, "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" } })]),
    { provider: "azure", id: "fic", name: "fic", issuer: GITHUB, subject: sub, audiences: ["api://AzureADTokenExchange"], expression: null },
    vaultRole({ data: { role_type: "jwt", user_claim: "repository", bound_audiences: ["https://github.com/acme"], bound_subject: sub } }, "role"),
    {
      provider: "gcp",
      id: "projects/1/locations/global/workloadIdentityPools/gh/providers/p",
      name: "p",
      disabled: false,
      state: "ACTIVE",
      issuer: GITHUB,
      allowedAudiences: [],
      attributeMapping: { "google.subject": "assertion.sub" },
      attributeCondition: `assertion.sub == '${sub}'`,
    },
  ];
}

describe("exact subject", () => {
  it("matches exactly the jobs whose token has that sub", () => {
    fc.assert(
      fc.property(fc.array(workflowArb, { minLength: 1, maxLength: 2 }), fc.nat(), (wfs, pick) => {
        const files = wfs.map((w, i) => ({ path: `.github/workflows/w${i}.yml`, content: yaml(w) }));
        const workflows = analyzeFiles(files, undefined, { root: "repo" }).workflows;
        const jobs = jobTokens(workflows, { repo: tokenRepo(OPTIONS.repo), subject: OPTIONS.subject, issuer: GITHUB, defaultBranch: "main" });
        const subsOf = new Map(jobs.map((j) => [`${j.path}:${j.job}`, new Set(j.variants.flatMap((v) => v.alternatives.map((t) => concrete(t.claims.sub?.v ?? []))))]));
        const all = [...new Set([...subsOf.values()].flatMap((s) => [...s]))];
        // Every sub is fully known here: literal filters, a known default branch, a known format.
        expect(all.every((s) => s !== null)).toBe(true);
        const sub = all.length > 0 && pick % 4 !== 0 ? (all[pick % all.length] as string) : "repo:acme/app:ref:refs/heads/never";
        const expected = [...subsOf.entries()].filter(([, s]) => s.has(sub)).map(([k]) => k).sort();
        for (const entry of evaluateTrusts(trustsFor(sub), workflows, OPTIONS)) {
          expect(entry.matches.every((m) => m.decision === "yes" && m.sub === sub)).toBe(true);
          expect(entry.matches.map((m) => `${m.path}:${m.job}`).sort()).toEqual(expected);
        }
      }),
      { numRuns: 60, seed: 2026 },
    );
  });
});
