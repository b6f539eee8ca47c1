import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { startAzureSim } from "../azure/server";
import { AZURE_ACME_SUBSCRIPTION, AZURE_ACME_TENANT, azureAcme } from "../fixtures/azure-acme";
import { gcpAcme } from "../fixtures/gcp-acme";
import { vaultAcme } from "../fixtures/vault-acme";
import { startGcpSim } from "../gcp/server";
import { startVaultSim } from "../vault/server";

// CLI: npm run sim:cloud -- [--gcp-port 3201] [--azure-port 3202] [--vault-port 3203]
//   [--gcp-key-out gcp-key.json] [--azure-secret S] [--vault-token T]
// Starts acme's Google Cloud, Azure and Vault simulators. The Google Cloud key (a responder
// key: read and write) is written to --gcp-key-out; the Azure client and Vault token are the
// given demo values (write access). Nothing here is a real credential.

const { values } = parseArgs({
  options: {
    "gcp-port": { type: "string", default: "3201" },
    "azure-port": { type: "string", default: "3202" },
    "vault-port": { type: "string", default: "3203" },
    "gcp-key-out": { type: "string", default: "gcp-sim-key.json" },
    "azure-client-id": { type: "string", default: "2f4a6c8e-0b1d-4e3f-a5b7-c9d1e3f5a7b9" },
    "azure-secret": { type: "string", default: "demo-azure-secret" },
    "vault-token": { type: "string", default: "hvs.demo" },
  },
});

const gcp = await startGcpSim({ port: Number(values["gcp-port"]), fixture: gcpAcme });
writeFileSync(values["gcp-key-out"], JSON.stringify(gcp.serviceAccountKey("gatehouse@acme-ci-identity.iam.gserviceaccount.com", "write"), null, 2), { mode: 0o600 });
const azure = await startAzureSim({ port: Number(values["azure-port"]), fixture: azureAcme, clients: [{ clientId: values["azure-client-id"], clientSecret: values["azure-secret"], access: "write" }] });
const vault = await startVaultSim({ port: Number(values["vault-port"]), fixture: vaultAcme, tokens: { [values["vault-token"]]: { access: "write" } } });

process.stdout.write(
  [
    `Google Cloud: ${gcp.url} (project acme-ci-identity, key ${values["gcp-key-out"]})`,
    `Azure:        ${azure.url} (tenant ${AZURE_ACME_TENANT}, subscription ${AZURE_ACME_SUBSCRIPTION}, client ${values["azure-client-id"]})`,
    `Vault:        ${vault.url} (mount jwt)`,
  ].join("\n") + "\n",
);

const stop = (): void => {
  void Promise.all([gcp.close(), azure.close(), vault.close()]).then(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
