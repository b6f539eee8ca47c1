// Breadth on a seeded inventory: three repositories written through the snapshot writer, with a
// repository secret, an unprotected environment's secret, an organisation secret shared with all
// of them, a secret its only job uses, an OIDC role and id-token: write where nothing asks for it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeFiles } from "@/lib/analysis";
import { openTestDatabase } from "@/lib/testing/test-db";
import { createTestOrg, type TestOrg } from "@/lib/testing/fixtures";
import { testRepoFacts, type TestRepo } from "@/lib/testing/inventory";
import { emptyOrgFacts, type OrgFacts } from "@/lib/github/facts";
import { writeOrgFacts } from "@/lib/inventory/org-writer";
import { writeRepoSnapshot } from "@/lib/inventory/snapshot-writer";
import type { DatabaseHandle } from "@/lib/db/types";
import { broadest, type CredentialFacts } from "./breadth";
import { credentialFacts } from "./breadth-repo";

const AT = "2025-03-10T00:00:00.000Z";

const CI = `on: pull_request_target
permissions: { id-token: write, contents: read }
jobs:
  test: { runs-on: ubuntu-latest, steps: [{ run: npm test }] }
  lint: { runs-on: ubuntu-latest, permissions: { contents: read }, steps: [{ run: npm run lint }] }
  e2e: { runs-on: ubuntu-latest, steps: [{ run: npm run e2e }] }
`;
const PUBLISH = `on: push
permissions: { contents: read }
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - run: npm publish
        env: { NODE_AUTH_TOKEN: "\${{ secrets.NPM_TOKEN }}" }
`;
const DEPLOY = `on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    environment: release
    permissions: { id-token: write, contents: read }
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with: { role-to-assume: "arn:aws:iam::123456789012:role/deploy", aws-region: eu-west-1 }
      - run: ./deploy.sh
        env: { KEY: "\${{ secrets.DEPLOY_KEY }}" }
`;
const WEB = `on: push
permissions: { contents: read }
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: ./build.sh
        env: { WEB: "\${{ secrets.WEB_TOKEN }}", HOOK: "\${{ secrets.SLACK_WEBHOOK }}" }
`;
const DOCS = `on: push
permissions: { id-token: write, contents: read }
jobs:
  docs: { runs-on: ubuntu-latest, steps: [{ run: make docs }] }
`;

let handle: DatabaseHandle;
let org: TestOrg;
let facts: CredentialFacts[];

const orgFacts = (login: string): OrgFacts => ({
  ...emptyOrgFacts(login),
  secrets: [{ name: "SLACK_WEBHOOK", createdAt: AT, updatedAt: AT, visibility: "all", selectedRepositoryIds: null }],
});

async function seed(repo: TestRepo, environments: { name: string; secrets: string[] }[] = []) {
  const rf = testRepoFacts(org.slug, repo);
  rf.environments = environments.map((e) => ({
    name: e.name,
    protection: { requiredReviewers: [], preventSelfReview: false, waitTimerMinutes: 0, branchPolicy: null },
    secrets: e.secrets.map((name) => ({ name, createdAt: AT, updatedAt: AT })),
    variables: [],
  }));
  const sources = rf.files.map((f) => ({ path: f.path, content: f.text! }));
  await writeRepoSnapshot(handle.db, org.id, orgFacts(org.slug), { facts: rf, filesFetched: true, analysis: analyzeFiles(sources) }, new Date());
}

const find = (name: string, scope?: string) => {
  const f = facts.find((x) => x.name === name && (scope === undefined || x.scope === scope));
  if (!f) throw new Error(`no facts for ${name}: ${facts.map((x) => x.name).join(", ")}`);
  return f;
};

beforeAll(async () => {
  handle = await openTestDatabase();
  org = await createTestOrg(handle.db);
  await writeOrgFacts(handle.db, org.id, orgFacts(org.slug));
  await seed({ githubId: 760_001, name: "api", secrets: ["NPM_TOKEN"], files: { ".github/workflows/ci.yml": CI, ".github/workflows/publish.yml": PUBLISH, ".github/workflows/deploy.yml": DEPLOY } }, [{ name: "release", secrets: ["DEPLOY_KEY"] }]);
  await seed({ githubId: 760_002, name: "web", secrets: ["WEB_TOKEN"], files: { ".github/workflows/ci.yml": WEB } });
  await seed({ githubId: 760_003, name: "docs", secrets: [], files: { ".github/workflows/docs.yml": DOCS } });
  facts = await credentialFacts(handle.db, org.id);
}, 60_000);
afterAll(async () => {
  await handle.close();
});

describe("credential facts", () => {
  it("a repository secret: every job of its repository reads it, the untrusted ones counted", () => {
    expect(find("NPM_TOKEN")).toMatchObject({ scope: "repo", repo: `${org.slug}/api`, readers: 5, untrustedReaders: 3, users: 1, highAuthority: true, userJobs: [{ job: "publish", path: ".github/workflows/publish.yml" }] });
  });

  it("an unprotected environment's secret: every job of the repository", () => {
    expect(find("DEPLOY_KEY")).toMatchObject({ scope: "environment", environment: "release", environmentProtected: false, readers: 5, users: 1 });
  });

  it("an organisation secret shared with all: every job of every repository, the users' repositories named", () => {
    expect(find("SLACK_WEBHOOK")).toMatchObject({ scope: "org", visibility: "all", readableRepos: 3, readers: 7, users: 1, userRepoCount: 1, userRepos: [`${org.slug}/web`] });
  });

  it("a secret its only reader uses: breadth 1, left out of the list", () => {
    expect(find("WEB_TOKEN")).toMatchObject({ readers: 1, users: 1 });
    expect(broadest(facts).map((b) => b.name)).not.toContain("WEB_TOKEN");
  });

  it("an OIDC role: the jobs holding id-token: write in its repository, those that never ask named", () => {
    expect(find("arn:aws:iam::123456789012:role/deploy")).toMatchObject({ scope: "oidc", readers: 3, users: 1, idleJobCount: 2, idleJobs: [{ job: "e2e" }, { job: "test" }] });
  });

  it("id-token: write in a repository where no job requests a token", () => {
    expect(find("id-token: write")).toMatchObject({ scope: "id-token", repo: `${org.slug}/docs`, readers: 1, users: 0, idleJobs: [{ job: "docs" }] });
  });

  it("ranks them with the narrowing sentence", () => {
    const list = broadest(facts);
    const by = (name: string) => list.find((b) => b.name === name);
    expect(by("SLACK_WEBHOOK")?.narrowing).toMatch(new RegExp(`^share SLACK_WEBHOOK with 1 repository \\(${org.slug}/web\\) instead of all 3:`));
    expect(by("NPM_TOKEN")?.narrowing).toMatch(/^move NPM_TOKEN to environment release .* restrict it to \.github\/workflows\/publish\.yml/);
    expect(by("id-token: write")?.narrowing).toBe("drop id-token: write from job docs in .github/workflows/docs.yml: it never requests a token");
    // NPM_TOKEN and DEPLOY_KEY (a publish and a deploy job): 1 + (5 − 1) × (1 + 3/5) × 2 = 13.8, the broadest, ties by name.
    expect(list.slice(0, 2).map((b) => [b.name, b.breadth])).toEqual([["DEPLOY_KEY", 13.8], ["NPM_TOKEN", 13.8]]);
    expect(by("DEPLOY_KEY")?.narrowing).toMatch(/^protect environment release of .*\/api .*any of its 5 jobs can name it and read DEPLOY_KEY$/);
    expect(by("arn:aws:iam::123456789012:role/deploy")?.narrowing).toBe("drop id-token: write from job e2e in .github/workflows/ci.yml and job test in .github/workflows/ci.yml: they never request a token");
  });
});
