import { analyzeFiles, createAnalysisCache } from "@/lib/analysis";
import { isSyncedFile } from "@/lib/analysis/ci-system";
import type { Db } from "@/lib/db/types";
import { emptyOrgFacts, type OrgFacts, type RepoFacts } from "@/lib/github/facts";
import { writeOrgFacts } from "@/lib/inventory/org-writer";
import { writeRepoSnapshot } from "@/lib/inventory/snapshot-writer";

const AT = "2025-03-10T00:00:00.000Z";
const cache = createAnalysisCache(32);

/** An organisation's facts with one organisation secret, SHARED_TOKEN, visible to all repositories. */
export function testOrgFacts(login: string): OrgFacts {
  return { ...emptyOrgFacts(login), secrets: [{ name: "SHARED_TOKEN", createdAt: AT, updatedAt: AT, visibility: "all", selectedRepositoryIds: null }] };
}

export interface TestRepo {
  githubId: number;
  name: string;
  files: Record<string, string>;
  visibility?: "public" | "private";
  /** Repository secrets (NPM_TOKEN when not given). */
  secrets?: string[];
  /** When GitHub says the repository's secrets were last updated (a fixed date in March 2025 when not given). */
  secretsUpdatedAt?: string;
}

/** A repository's facts as a sync would bring them: its files, one GitHub workflow per workflow file, a read-write deploy key. */
export function testRepoFacts(login: string, r: TestRepo): RepoFacts {
  const list = Object.entries(r.files).map(([path, text], i) => ({ path, oid: `${r.githubId}-${i}-${text.length}-${text.slice(-40)}`, text }));
  return {
    repo: { githubId: r.githubId, name: r.name, fullName: `${login}/${r.name}`, visibility: r.visibility ?? "private", archived: false, fork: false, defaultBranch: "main", pushedAt: AT },
    files: list,
    filesFetched: true,
    workflows: list.filter((f) => f.path.startsWith(".github/workflows/")).map((f, i) => ({ id: r.githubId * 16 + i, name: f.path, path: f.path, state: "active" })),
    environments: [],
    secrets: (r.secrets ?? ["NPM_TOKEN"]).map((name) => ({ name, createdAt: AT, updatedAt: r.secretsUpdatedAt ?? AT })),
    variables: [],
    defaultWorkflowPermissions: "read",
    oidcSubTemplate: null,
    deployKeys: [{ id: r.githubId, title: `deploy ${r.name}`, readOnly: false, createdAt: AT }],
    runners: [],
  };
}

/** Writes the organisation's facts (once per org is enough; again is harmless). */
export async function seedOrgFacts(db: Db, org: { id: string; slug: string }): Promise<void> {
  await writeOrgFacts(db, org.id, testOrgFacts(org.slug));
}

/** Writes one repository snapshot, analysed as the sync would, synced at `at`. */
export async function seedRepo(db: Db, org: { id: string; slug: string }, repo: TestRepo, at = new Date()): Promise<void> {
  const rf = testRepoFacts(org.slug, repo);
  const sources = rf.files.filter((f) => isSyncedFile(f.path)).map((f) => ({ path: f.path, content: f.text! }));
  await writeRepoSnapshot(db, org.id, testOrgFacts(org.slug), { facts: rf, filesFetched: true, analysis: analyzeFiles(sources, undefined, { cache }) }, at);
}
