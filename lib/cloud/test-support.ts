import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { analyzeFiles } from "../analysis";
import { evaluateTrusts, GITHUB_ISSUER } from "../trust";
import type { TrustOptions } from "../trust/evaluate";
import type { Trust, TrustEntry } from "../trust/types";

// The lib/cloud tests evaluate what a reader returns against the demo org's workflows, as the
// trust domain will: one repository of sim/fixtures/acme at a time.

const ACME = join(import.meta.dirname, "../../sim/fixtures/acme/repos");

export function evaluateOnAcme(trusts: Trust[], repo: string, subjectKeys: string[] | null = null, extra: Partial<TrustOptions> = {}): TrustEntry[] {
  const dir = join(ACME, repo, ".github/workflows");
  const files = readdirSync(dir).map((f) => ({ path: `.github/workflows/${f}`, content: readFileSync(join(dir, f), "utf8") }));
  const { workflows } = analyzeFiles(files, undefined, { root: repo });
  return evaluateTrusts(trusts, workflows, {
    repo: { owner: "acme", name: repo, ownerId: null, repoId: null },
    subject: { keys: subjectKeys, formats: ["classic"] },
    issuer: GITHUB_ISSUER,
    defaultBranch: "main",
    ...extra,
  });
}

export const rules = (e: TrustEntry | undefined): string[] => (e?.findings ?? []).map((f) => f.rule);
