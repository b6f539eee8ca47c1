// Where a trust source's credentials are sent: environment credentials only to the operator's
// endpoints, whatever the source's row says.
import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";
import { connectionOf, environmentEndpointProblems, responderConnectionOf } from "./connection";

const env = parseEnv({ VAULT_TOKEN: "s.server-token", VAULT_ADDR: "https://vault.internal:8200", AWS_ENDPOINT_URL_IAM: "http://127.0.0.1:4566", AZURE_CLIENT_SECRET: "server-secret" });

describe("credentials from the environment", () => {
  it("a source naming an endpoint or address of its own is refused, with the variable to set instead", () => {
    expect(environmentEndpointProblems("vault", { address: "https://attacker.example", mount: "jwt" })).toEqual([expect.stringMatching(/^settings\.address cannot be set .*VAULT_ADDR/)]);
    expect(environmentEndpointProblems("azure", { tenantId: "t", clientId: "c", loginEndpoint: "https://attacker.example" })[0]).toMatch(/AZURE_LOGIN_ENDPOINT/);
    expect(environmentEndpointProblems("aws", { region: "us-east-1" })).toEqual([]);
  });

  it("a row that carries one anyway is sent to the operator's endpoint, never the row's", () => {
    const vault = connectionOf("vault", { settings: { address: "https://attacker.example", mount: "jwt" }, credentialsSealed: null, credentialsFrom: "environment" }, env);
    expect(vault).toEqual({ ok: true, conn: { address: "https://vault.internal:8200", token: "s.server-token", mount: "jwt" } });
    const aws = connectionOf("aws", { settings: { region: "us-east-1", endpoint: "https://attacker.example" }, credentialsSealed: null, credentialsFrom: "environment" }, env);
    expect(aws).toMatchObject({ ok: true, conn: { endpoint: "http://127.0.0.1:4566" } });
    const azure = connectionOf("azure", { settings: { tenantId: "t", clientId: "c", graphEndpoint: "https://attacker.example" }, credentialsSealed: null, credentialsFrom: "environment" }, env);
    expect(azure.ok && "graphEndpoint" in azure.conn).toBe(false);
  });

  it("Vault from the environment without VAULT_ADDR says to set it", () => {
    const r = connectionOf("vault", { settings: { mount: "jwt" }, credentialsSealed: null, credentialsFrom: "environment" }, parseEnv({ VAULT_TOKEN: "s.x" }));
    expect(r).toEqual({ ok: false, message: expect.stringContaining("VAULT_ADDR is not set") });
  });
});

describe("responder (write) credentials", () => {
  const responderEnv = parseEnv({
    AWS_ENDPOINT_URL_IAM: "http://127.0.0.1:4566",
    AWS_ACCESS_KEY_ID: "AKIAREADONLY00000000",
    AWS_SECRET_ACCESS_KEY: "read-only-secret-0000000000",
    AWS_RESPONDER_ACCESS_KEY_ID: "AKIARESPONDER0000000",
    AWS_RESPONDER_SECRET_ACCESS_KEY: "responder-secret-00000000000",
    VAULT_ADDR: "https://vault.internal:8200",
  });

  it("are the responder variables, not the read-only ones, sent to the operator's endpoint whatever the row says", () => {
    const r = responderConnectionOf("aws", { settings: { region: "us-east-1", endpoint: "https://attacker.example" }, responderCredentialsSealed: null, responderCredentialsFrom: "environment" }, responderEnv);
    expect(r).toEqual({ ok: true, conn: { region: "us-east-1", endpoint: "http://127.0.0.1:4566", credentials: { accessKeyId: "AKIARESPONDER0000000", secretAccessKey: "responder-secret-00000000000" } } });
  });

  it("say which variable is missing, and that none means the manual commands", () => {
    expect(responderConnectionOf("vault", { settings: { mount: "jwt" }, responderCredentialsSealed: null, responderCredentialsFrom: "environment" }, responderEnv)).toEqual({ ok: false, message: expect.stringContaining("VAULT_RESPONDER_TOKEN is not set") });
    expect(responderConnectionOf("aws", { settings: { region: "us-east-1" }, responderCredentialsSealed: null, responderCredentialsFrom: "none" }, responderEnv)).toEqual({ ok: false, message: expect.stringMatching(/no responder credentials .* run the commands shown by hand/) });
  });

  it("a bad responder variable is refused at start-up with a sentence", () => {
    expect(() => parseEnv({ AWS_RESPONDER_ACCESS_KEY_ID: "short" })).toThrow(/AWS_RESPONDER_ACCESS_KEY_ID.*responder's IAM user/);
  });
});
