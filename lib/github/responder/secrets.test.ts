import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { GithubSim } from "@/sim/github";
import { RESPONDER_APP_ID, startResponderSim } from "../test-sim";
import { ResponderError, SECRET_VALUE_LIMIT_BYTES } from ".";
import { openTestSession } from "./test-support";

// Writing secrets: sealed here, opened by the simulator with the scope's private key (it answers
// 422 when the box does not open), organisation visibility kept, oversize refused before any call,
// and the value found nowhere afterwards — not in any log line, record, answer or error.

let sim: GithubSim;
const captured: string[] = [];
const errorMessages: string[] = [];
const values: string[] = [];
/** A value with a fresh random part, remembered so the last test can look for it everywhere. */
const newValue = (prefix = "") => {
  const random = randomBytes(24).toString("base64url");
  values.push(random);
  return `${prefix}${random}`;
};

beforeAll(async () => {
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void captured.push(args.map(String).join(" ")));
  }
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    vi.spyOn(stream, "write").mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
      captured.push(String(chunk));
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write);
  }
  sim = await startResponderSim();
});
afterAll(async () => {
  vi.restoreAllMocks();
  await sim.close();
});

const secretOf = (repo: string, name: string) => sim.org("test-org").repos.find((r) => r.name === repo)!.secrets.find((s) => s.name === name);
const orgSecret = (name: string) => sim.org("test-org").secrets.find((s) => s.name === name);

describe("writeSecret", () => {
  it("a repository secret: sealed for the repository's key, opened by GitHub, updated_at moved; a new name is created", async () => {
    const before = secretOf("service", "SENTRY_AUTH_TOKEN")!.updatedAt;
    const session = await openTestSession(sim, "write-secrets", { secretScope: "repository" });
    try {
      expect(await session.writeSecret({ scope: "repository", owner: "test-org", repo: "service", name: "SENTRY_AUTH_TOKEN", value: newValue() })).toBe("updated");
      expect(await session.writeSecret({ scope: "repository", owner: "test-org", repo: "service", name: "NEW_DEPLOY_TOKEN", value: newValue() })).toBe("created");
    } finally {
      await session.close();
    }
    expect(Date.parse(secretOf("service", "SENTRY_AUTH_TOKEN")!.updatedAt)).toBeGreaterThanOrEqual(Date.parse(before));
    const responder = sim.core.installationForOrg("test-org", RESPONDER_APP_ID)!.id;
    expect(sim.secretWrites.slice(-2)).toEqual([
      { at: expect.any(String), scope: "repo:test-org/service", name: "SENTRY_AUTH_TOKEN", lengthClass: "≤ 64 B", installationId: responder },
      { at: expect.any(String), scope: "repo:test-org/service", name: "NEW_DEPLOY_TOKEN", lengthClass: "≤ 64 B", installationId: responder },
    ]);
  });

  it("an environment secret, sealed for the environment's own key", async () => {
    const session = await openTestSession(sim, "write-secrets", { secretScope: "environment" });
    try {
      expect(await session.writeSecret({ scope: "environment", owner: "test-org", repo: "service", environment: "production", name: "PROD_DB_PASSWORD", value: newValue("x".repeat(200)) })).toBe("updated");
    } finally {
      await session.close();
    }
    expect(sim.secretWrites.at(-1)).toMatchObject({ scope: "env:test-org/service/production", name: "PROD_DB_PASSWORD", lengthClass: "≤ 1 KiB" });
  });

  it("an organisation secret keeps its visibility and selected repositories unless given", async () => {
    const session = await openTestSession(sim, "write-secrets", { secretScope: "organization" });
    try {
      expect(await session.writeSecret({ scope: "organization", owner: "test-org", name: "NPM_TOKEN", value: newValue() })).toBe("updated");
      expect(orgSecret("NPM_TOKEN")).toMatchObject({ visibility: "selected", selectedRepositories: ["library"] });
      const put = sim.writeLog.at(-1)!;
      expect(put).toMatchObject({ method: "PUT", path: "/orgs/test-org/actions/secrets/NPM_TOKEN", status: 204 });
      expect(put.body).toEqual({ encrypted_value: "[sealed]", key_id: expect.any(String), visibility: "selected", selected_repository_ids: [sim.org("test-org").repos.find((r) => r.name === "library")!.id] });

      expect(await session.writeSecret({ scope: "organization", owner: "test-org", name: "SLACK_WEBHOOK_URL", value: newValue() })).toBe("updated");
      expect(orgSecret("SLACK_WEBHOOK_URL")).toMatchObject({ visibility: "all" });
      expect(await session.writeSecret({ scope: "organization", owner: "test-org", name: "SLACK_WEBHOOK_URL", value: newValue(), visibility: "private" })).toBe("updated");
      expect(orgSecret("SLACK_WEBHOOK_URL")).toMatchObject({ visibility: "private" });

      const writes = sim.writeLog.length;
      await expect(session.writeSecret({ scope: "organization", owner: "test-org", name: "BRAND_NEW", value: newValue() })).rejects.toMatchObject({
        kind: "refused",
        message: "Writing the organisation secret BRAND_NEW of test-org: it does not exist yet, so say which repositories may use it (visibility all, private or selected); nothing was written.",
      });
      expect(sim.writeLog).toHaveLength(writes);
    } finally {
      await session.close();
    }
    expect(sim.secretWrites.filter((w) => w.scope === "org:test-org").map((w) => w.name)).toEqual(["NPM_TOKEN", "SLACK_WEBHOOK_URL", "SLACK_WEBHOOK_URL"]);
  });

  it("48 KB is accepted; one byte more is refused before any call, with a message that says what to do", async () => {
    const session = await openTestSession(sim, "write-secrets", { secretScope: "repository" });
    try {
      const atLimit = newValue("k").padEnd(SECRET_VALUE_LIMIT_BYTES, "k");
      expect(await session.writeSecret({ scope: "repository", owner: "test-org", repo: "service", name: "SIGNING_KEY", value: atLimit })).toBe("created");
      expect(sim.secretWrites.at(-1)).toMatchObject({ name: "SIGNING_KEY", lengthClass: "≤ 48 KiB" });

      const requests = sim.core.stats.requests;
      const tooLarge = newValue("k").padEnd(SECRET_VALUE_LIMIT_BYTES + 1, "k");
      const error = await session.writeSecret({ scope: "repository", owner: "test-org", repo: "service", name: "SIGNING_KEY", value: tooLarge }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ResponderError);
      expect(error).toMatchObject({ kind: "refused" });
      errorMessages.push((error as Error).message);
      expect((error as Error).message).toBe(
        "Writing secret SIGNING_KEY: the value is 49153 bytes and GitHub takes at most 48 KB (49152 bytes) per secret. Store a larger credential elsewhere (for example encrypted in the repository) and keep only its key as the secret.",
      );
      expect(sim.core.stats.requests).toBe(requests);
      // multi-byte characters count as bytes, as GitHub counts them
      const wide = "é".repeat(SECRET_VALUE_LIMIT_BYTES / 2 + 1);
      await expect(session.writeSecret({ scope: "repository", owner: "test-org", repo: "service", name: "SIGNING_KEY", value: wide })).rejects.toMatchObject({ kind: "refused" });
      expect(sim.core.stats.requests).toBe(requests);
    } finally {
      await session.close();
    }
  });

  it("bad names, missing places and empty values are refused before any call", async () => {
    const session = await openTestSession(sim, "write-secrets", { secretScope: "repository" });
    const requests = sim.core.stats.requests;
    try {
      const attempts = [
        { scope: "repository" as const, owner: "test-org", repo: "service", name: "GITHUB_TOKEN", value: newValue() },
        { scope: "repository" as const, owner: "test-org", repo: "service", name: "1ST", value: newValue() },
        { scope: "repository" as const, owner: "test-org", name: "X", value: newValue() },
        { scope: "environment" as const, owner: "test-org", repo: "service", name: "X", value: newValue() },
        { scope: "repository" as const, owner: "test-org", repo: "service", name: "X", value: newValue(), visibility: "all" as const },
        { scope: "repository" as const, owner: "test-org", repo: "service", name: "X", value: "" },
      ];
      for (const attempt of attempts) {
        const error = await session.writeSecret(attempt).catch((e: unknown) => e);
        expect(error).toMatchObject({ kind: "refused" });
        errorMessages.push((error as Error).message);
      }
    } finally {
      await session.close();
    }
    expect(sim.core.stats.requests).toBe(requests + 1); // the revoke
  });

  it("a token narrowed to repository secrets cannot write the organisation's", async () => {
    const session = await openTestSession(sim, "write-secrets", { secretScope: "repository" });
    try {
      await expect(session.writeSecret({ scope: "organization", owner: "test-org", name: "NPM_TOKEN", value: newValue(), visibility: "all" })).rejects.toMatchObject({
        kind: "missing-permission",
        missing: [["organization_secrets", "read"]],
      });
    } finally {
      await session.close();
    }
  });

  it("no value written above appears in any log line, record, write log, delivery, token grant or error message", async () => {
    expect(values.length).toBeGreaterThanOrEqual(10);
    expect(errorMessages.length).toBeGreaterThanOrEqual(7);
    const haystacks = [
      ...captured,
      ...errorMessages,
      JSON.stringify(sim.writeLog),
      JSON.stringify(sim.secretWrites),
      JSON.stringify(sim.deliveries),
      JSON.stringify(sim.installationTokens()),
      await (await fetch(`${sim.url}/_sim/log`)).text(),
      await (await fetch(`${sim.url}/_sim/secret-writes`)).text(),
    ];
    for (const value of values) for (const hay of haystacks) expect(hay.includes(value)).toBe(false);
    expect(JSON.stringify(sim.writeLog)).not.toMatch(/"encrypted_value":"(?!\[sealed\])/);
  });
});
