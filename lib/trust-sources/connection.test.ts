// Where a trust source's credentials are sent: environment credentials only to the operator's
// endpoints, whatever the source's row says.
import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";
import { connectionOf, environmentEndpointProblems } from "./connection";

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
