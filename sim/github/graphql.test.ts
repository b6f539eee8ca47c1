import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhooks } from "@octokit/webhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadBundledOrg } from "../fixtures/load";
import type { GithubSim } from "./server";
import { FIXED_NOW, simOctokit, startTestSim } from "./test-helpers";

const PAT = "github_pat_graphql";
let sim: GithubSim;
beforeAll(async () => {
  sim = await startTestSim({ orgs: [loadBundledOrg("acme", { now: FIXED_NOW })], personalTokens: { [PAT]: {} } });
});
afterAll(async () => sim.close());

const FILES = `
  defaultBranchRef { name target { oid } }
  workflows: object(expression: "HEAD:.github/workflows") { ... on Tree { entries { name path oid object { ... on Blob { text byteSize isBinary oid } } } } }
  actions: object(expression: "HEAD:.github/actions") { ... on Tree { entries { name type object { ... on Tree { entries { name object { ... on Blob { text } } } } } } } }
  co1: object(expression: "HEAD:.github/CODEOWNERS") { ... on Blob { text } }
  co2: object(expression: "HEAD:CODEOWNERS") { ... on Blob { text } }
  co3: object(expression: "HEAD:docs/CODEOWNERS") { ... on Blob { text } }
  environments(first: 10) { nodes { name protectionRules(first: 5) { nodes { type timeout preventSelfReview reviewers(first: 6) { nodes { ... on Team { slug } ... on User { login } } } } } } }
`;

interface RepoResult {
  defaultBranchRef: { name: string };
  workflows: { entries: { name: string; path: string; oid: string; object: { text: string; byteSize: number } }[] } | null;
  actions: { entries: { name: string; object: { entries: { name: string; object: { text: string } }[] } }[] } | null;
  co1: { text: string } | null;
  co2: { text: string } | null;
  environments: { nodes: { name: string; protectionRules: { nodes: { type: string; reviewers: { nodes: { slug?: string }[] } }[] } }[] };
}

describe("GraphQL", () => {
  it("returns workflow files, actions, CODEOWNERS and environments for 25 repositories in one query", async () => {
    const octokit = new (simOctokit(sim))({ auth: PAT });
    const repos = sim.org("acme").repos.slice(0, 25).map((r) => r.name);
    expect(repos).toHaveLength(25);
    const query = `query { ${repos.map((name, i) => `r${i}: repository(owner: "acme", name: "${name}") { ${FILES} }`).join("\n")} rateLimit { cost remaining resetAt } }`;
    const data = await octokit.graphql<Record<string, RepoResult> & { rateLimit: { cost: number; remaining: number } }>(query);
    // per repo: environments 1 + protectionRules 10 + reviewers 10×5 = 61 requests; × 25 = 1,525 → 15 points
    expect(data.rateLimit.cost).toBe(15);
    const byName = new Map(repos.map((name, i) => [name, data[`r${i}`] as RepoResult]));
    const web = byName.get("web");
    expect(web?.workflows?.entries.map((e) => e.name)).toEqual(["ci.yml", "deploy.yml", "preview.yml"]);
    const deploy = web?.workflows?.entries.find((e) => e.name === "deploy.yml");
    expect(deploy?.object.text).toContain("role-to-assume");
    expect(deploy?.oid).toBe(sim.org("acme").repos.find((r) => r.name === "web")?.files.get(".github/workflows/deploy.yml")?.oid);
    expect(web?.co1?.text).toContain("@acme/web");
    expect(web?.environments.nodes.find((e) => e.name === "production")?.protectionRules.nodes[0]?.reviewers.nodes[0]?.slug).toBe("web");
    expect(byName.get("ui-icons")?.co2?.text).toContain("@acme/web");
    const composite = byName.get("platform-actions")?.actions?.entries[0];
    expect(composite?.name).toBe("setup-toolchain");
    expect(composite?.object.entries[0]?.object.text).toContain("using: composite");
  });

  it("pages organization repositories and reports not-found repositories GitHub-style", async () => {
    const octokit = new (simOctokit(sim))({ auth: PAT });
    const page = await octokit.graphql<{ organization: { repositories: { totalCount: number; nodes: { name: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } } }>(
      `query($cursor: String) { organization(login: "acme") { repositories(first: 10, after: $cursor, orderBy: {field: NAME, direction: ASC}) { totalCount nodes { name } pageInfo { hasNextPage endCursor } } } }`,
      { cursor: null },
    );
    expect(page.organization.repositories.totalCount).toBe(25);
    expect(page.organization.repositories.nodes).toHaveLength(10);
    const next = await octokit.graphql<{ organization: { repositories: { nodes: { name: string }[] } } }>(
      `query($cursor: String) { organization(login: "acme") { repositories(first: 10, after: $cursor) { nodes { name } } } }`,
      { cursor: page.organization.repositories.pageInfo.endCursor },
    );
    expect(next.organization.repositories.nodes[0]?.name).not.toBe(page.organization.repositories.nodes[9]?.name);
    const error = await octokit.graphql(`{ repository(owner: "acme", name: "nope") { name } }`).catch((e: { errors: { type: string }[] }) => e);
    expect((error as { errors: { type: string }[] }).errors[0]?.type).toBe("NOT_FOUND");
    const invalid = await octokit.graphql(`{ repository(owner: "acme", name: "web") { workflows } }`).catch((e: { errors: { message: string }[] }) => e);
    expect((invalid as { errors: { message: string }[] }).errors[0]?.message).toMatch(/Cannot query field "workflows"/);
  });
});

describe("webhooks", () => {
  it("sends a signed push delivery that @octokit/webhooks verifies", async () => {
    const received: { event: string; id: string; signature: string; body: string }[] = [];
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        received.push({ event: String(req.headers["x-github-event"]), id: String(req.headers["x-github-delivery"]), signature: String(req.headers["x-hub-signature-256"]), body: Buffer.concat(chunks).toString() });
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    const hookSim = await startTestSim({ app: { ...sim.core.options.app!, webhookUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook` } });
    try {
      const delivery = await hookSim.setFile("test-org", "service", ".github/workflows/ci.yml", "name: CI\non: push\njobs: {}\n");
      await hookSim.setFile("test-org", "service", ".github/workflows/new.yml", "name: New\non: push\njobs: {}\n");
      await hookSim.control.addDeployKey("test-org", "service", "new-key");
      expect(delivery.status).toBe(202);
      expect(received.map((r) => r.event)).toEqual(["push", "push", "deploy_key"]);
      expect(new Set(received.map((r) => r.id)).size).toBe(3);
      const webhooks = new Webhooks({ secret: "s3cret" });
      for (const r of received) expect(await webhooks.verify(r.body, r.signature)).toBe(true);
      expect(await webhooks.verify(received[0]!.body, received[1]!.signature)).toBe(false);
      const push = JSON.parse(received[0]!.body) as { commits: { modified: string[]; added: string[] }[]; repository: { full_name: string }; installation: { id: number } };
      expect(push.commits[0]?.modified).toEqual([".github/workflows/ci.yml"]);
      expect(JSON.parse(received[1]!.body).commits[0].added).toEqual([".github/workflows/new.yml"]);
      expect(push.repository.full_name).toBe("test-org/service");
      expect(push.installation.id).toBe(hookSim.core.installationForOrg("test-org")?.id);
    } finally {
      await hookSim.close();
      receiver.close();
    }
  });
});
