import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GithubSim } from "@/sim/github/server";
import { oauthUserToken, startTestSim } from "@/sim/github/test-helpers";
import { fetchGithubProfile, githubApiBase, pickVerifiedEmail } from "./github-profile";

// The GitHub sign-in's profile, read from the GitHub API simulator the way Auth.js calls it
// (GitHub Enterprise layout: <base>/api/v3/user, /user/emails) with a real OAuth user token.

let sim: GithubSim;
beforeAll(async () => {
  sim = await startTestSim();
});
afterAll(async () => sim.close());

const profileOf = async (login: string, scope?: string) => fetchGithubProfile(githubApiBase(sim.url), await oauthUserToken(sim, login, scope));

describe("fetchGithubProfile", () => {
  it("takes the verified primary address", async () => {
    expect(await profileOf("octo-verified")).toMatchObject({ login: "octo-verified", email: "octo@example.test", email_verified: true });
  });

  it("takes no address when none is verified", async () => {
    expect(await profileOf("octo-unverified")).toMatchObject({ email: null, email_verified: false });
  });

  it("does not take an unverified public profile address: the verified primary instead", async () => {
    expect(await profileOf("octo-public")).toMatchObject({ email: "real@example.test", email_verified: true });
  });

  it("falls back to a verified secondary address when the primary is unverified", async () => {
    expect(await profileOf("octo-secondary")).toMatchObject({ email: "secondary@example.test", email_verified: true });
  });

  it("without the user:email scope the addresses cannot be checked, so none is taken", async () => {
    expect(await profileOf("octo-public", "read:user")).toMatchObject({ email: null, email_verified: false, emails_unreadable: true });
  });

  it("a token GitHub refuses fails the sign-in with the status", async () => {
    await expect(fetchGithubProfile(githubApiBase(sim.url), "gho_revoked")).rejects.toThrow(/HTTP 401 to GET .*\/api\/v3\/user/);
  });
});

describe("pickVerifiedEmail", () => {
  const e = (email: string, verified: boolean, primary = false) => ({ email, verified, primary });

  it("prefers the verified primary, then a verified public address, then any verified one", () => {
    expect(pickVerifiedEmail("pub@x.test", [e("pub@x.test", true), e("Prim@X.test", true, true)])).toBe("prim@x.test");
    expect(pickVerifiedEmail("pub@x.test", [e("other@x.test", true), e("PUB@x.test", true), e("prim@x.test", false, true)])).toBe("pub@x.test");
    expect(pickVerifiedEmail(null, [e("prim@x.test", false, true), e("other@x.test", true)])).toBe("other@x.test");
  });

  it("never takes an unverified address, even the public or primary one", () => {
    expect(pickVerifiedEmail("pub@x.test", [e("pub@x.test", false), e("prim@x.test", false, true)])).toBeNull();
    expect(pickVerifiedEmail("pub@x.test", [])).toBeNull();
  });

  it("githubApiBase is GitHub.com's API or the Enterprise Server's /api/v3", () => {
    expect(githubApiBase(undefined)).toBe("https://api.github.com");
    expect(githubApiBase("https://ghe.example.com/")).toBe("https://ghe.example.com/api/v3");
  });
});
