import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GithubSim } from "@/sim/github";
import { DEFAULT_INSTALLATION_PERMISSIONS } from "@/sim/github";
import { MemoryEtagStore } from "../etag";
import { GithubAuthError } from "../errors";
import type { RepoFacts, RepoFetchError } from "../facts";
import { appClient, startSim } from "../test-sim";
import { createOrgFetcher } from "./index";

async function collect(iter: AsyncIterable<RepoFacts | RepoFetchError>) {
  const facts: RepoFacts[] = [];
  const errors: RepoFetchError[] = [];
  for await (const item of iter) {
    if ("files" in item) facts.push(item);
    else errors.push(item);
  }
  return { facts, errors };
}

describe("credentials and faults", () => {
  let sim: GithubSim;
  beforeAll(async () => {
    const { secrets: _secrets, ...withoutSecrets } = DEFAULT_INSTALLATION_PERMISSIONS;
    sim = await startSim({ acme: { permissions: withoutSecrets } });
  });
  afterAll(async () => {
    await sim.close();
  });

  it("re-mints an expired installation token transparently", async () => {
    const fetcher = createOrgFetcher({ client: appClient(sim, "test-org"), org: "test-org", etags: new MemoryEtagStore() });
    const repos = await fetcher.listRepos();
    expect(sim.expireTokens()).toBeGreaterThan(0);
    const { facts, errors } = await collect(fetcher.fetchRepos(repos));
    expect(errors).toEqual([]);
    expect(facts).toHaveLength(repos.length);
  });

  it("fails with a clear reason when the token is revoked and the app uninstalled", async () => {
    const fetcher = createOrgFetcher({ client: appClient(sim, "test-org"), org: "test-org", etags: new MemoryEtagStore() });
    const repos = await fetcher.listRepos();
    const installation = sim.core.installationForOrg("test-org")!;
    sim.revokeAllTokens();
    sim.core.installations.delete(installation.id);
    try {
      await expect(collect(fetcher.fetchRepos(repos))).rejects.toThrow(
        "The installation token was revoked or the app was uninstalled: reinstall the Gatehouse app on test-org or check its suspension",
      );
      await expect(fetcher.fetchOrg()).rejects.toBeInstanceOf(GithubAuthError);
      expect(fetcher.stats().requests).toBeLessThan(20);
    } finally {
      sim.core.installations.set(installation.id, installation);
    }
  });

  it("names the missing permission in each affected repo's error", async () => {
    const fetcher = createOrgFetcher({ client: appClient(sim, "acme"), org: "acme", etags: new MemoryEtagStore() });
    const repos = await fetcher.listRepos();
    const { facts, errors } = await collect(fetcher.fetchRepos(repos.slice(0, 3)));
    expect(facts).toEqual([]);
    expect(errors).toHaveLength(3);
    for (const e of errors) {
      expect(e.kind).toBe("missing-permission");
      expect(e.message).toContain("`secrets` (read)");
    }
  });

  it("turns a hang into a timeout error of that repo only, within the request timeout", async () => {
    const fetcher = createOrgFetcher({ client: appClient(sim, "test-org", { requestTimeoutMs: 400 }), org: "test-org", etags: new MemoryEtagStore() });
    const repos = await fetcher.listRepos();
    // (secrets: always fetched; tools' files never mention vars, so its variables are skipped)
    sim.injectFault({ kind: "timeout", match: "/repos/test-org/tools/actions/secrets" });
    const started = Date.now();
    const { facts, errors } = await collect(fetcher.fetchRepos(repos));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(errors).toEqual([expect.objectContaining({ kind: "timeout", repo: expect.objectContaining({ name: "tools" }) })]);
    expect(errors[0]?.message).toContain("list repository secrets");
    expect(facts).toHaveLength(repos.length - 1);
  });
});
