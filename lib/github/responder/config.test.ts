import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, parseEnv } from "@/lib/env";
import type { GithubSim } from "@/sim/github";
import { RESPONDER_APP_ID, responderKeys, startResponderSim } from "../test-sim";
import { RESPONDER_PERMISSIONS, findResponderInstallation, responderConfig, responderConfigured } from ".";

describe("responder configuration", () => {
  it("is configured only with an App id and its key (inline or in a file)", async () => {
    expect(await responderConfigured(parseEnv({}))).toBe(false);
    expect(await responderConfig(parseEnv({}))).toBeNull();
    const inline = parseEnv({ GITHUB_API_URL: "https://ghe.example.com/api/v3/", GITHUB_RESPONDER_APP_ID: "9", GITHUB_RESPONDER_APP_PRIVATE_KEY: responderKeys().privateKey });
    expect(await responderConfigured(inline)).toBe(true);
    // the setting is trimmed (a PEM's trailing newline is not part of the key)
    expect(await responderConfig(inline)).toEqual({ baseUrl: "https://ghe.example.com/api/v3", appId: 9, privateKey: responderKeys().privateKey.trim() });

    const dir = mkdtempSync(path.join(tmpdir(), "responder-"));
    const file = path.join(dir, "responder.pem");
    writeFileSync(file, responderKeys().privateKey);
    expect((await responderConfig(parseEnv({ GITHUB_RESPONDER_APP_ID: "9", GITHUB_RESPONDER_APP_PRIVATE_KEY_FILE: file })))?.privateKey).toBe(responderKeys().privateKey);
  });

  it("an unreadable or non-PEM key file stops with a sentence naming the setting", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "responder-"));
    const notPem = path.join(dir, "key.txt");
    writeFileSync(notPem, "hello");
    await expect(responderConfigured(parseEnv({ GITHUB_RESPONDER_APP_ID: "9", GITHUB_RESPONDER_APP_PRIVATE_KEY_FILE: path.join(dir, "missing.pem") }))).rejects.toThrow(
      /GITHUB_RESPONDER_APP_PRIVATE_KEY_FILE \(.*missing\.pem\) cannot be read: ENOENT/,
    );
    await expect(responderConfig(parseEnv({ GITHUB_RESPONDER_APP_ID: "9", GITHUB_RESPONDER_APP_PRIVATE_KEY_FILE: notPem }))).rejects.toBeInstanceOf(ConfigError);
  });
});

describe("findResponderInstallation", () => {
  let sim: GithubSim;
  beforeAll(async () => {
    sim = await startResponderSim();
  });
  afterAll(async () => sim.close());

  const config = () => ({ baseUrl: sim.url, appId: RESPONDER_APP_ID, privateKey: responderKeys().privateKey });

  it("null without a responder App; the App's own installation (not the reader's) with its grants", async () => {
    expect(await findResponderInstallation(null, "acme")).toBeNull();
    const found = await findResponderInstallation(config(), "test-org");
    expect(found).toEqual({ installationId: sim.core.installationForOrg("test-org", RESPONDER_APP_ID)!.id, permissions: { ...RESPONDER_PERMISSIONS }, repositorySelection: "all" });
    expect(found!.installationId).not.toBe(sim.core.installationForOrg("test-org")!.id);
  });

  it("an organisation without it: not-installed, saying who installs it", async () => {
    const installation = sim.core.installationForOrg("acme", RESPONDER_APP_ID)!;
    sim.core.installations.delete(installation.id);
    try {
      await expect(findResponderInstallation(config(), "acme")).rejects.toMatchObject({
        kind: "not-installed",
        message: "The responder App is not installed on acme: an owner of acme installs it (the App's page on GitHub → Install App) on the repositories incidents act on, then the action can be retried.",
      });
    } finally {
      sim.core.installations.set(installation.id, installation);
    }
  });
});
