import { parseArgs } from "node:util";
import { K8S_ACME_TOKENS, k8sAcme, k8sAcmeTokens } from "../fixtures/k8s-acme";
import { startKubernetesSim } from "./server";

// CLI: npm run sim:kubernetes -- [--port 3204]
// Serves acme's cluster acme-prod (sim/fixtures/k8s-acme.ts) over HTTP with the demo's reader
// and responder tokens. client-node refuses http:// unless the cluster sets skipTLSVerify.

const { values } = parseArgs({ options: { port: { type: "string", default: "3204" } } });
const sim = await startKubernetesSim({ port: Number(values.port), fixture: k8sAcme(), tokens: k8sAcmeTokens() });
process.stdout.write(
  `Kubernetes API simulator for cluster ${sim.cluster} at ${sim.url} (insecure-skip-tls-verify: true)\n` +
    `  reader token:    ${K8S_ACME_TOKENS.reader.token}\n` +
    `  responder token: ${K8S_ACME_TOKENS.responder.token}\n` +
    `  write log:       ${sim.url}/_sim/write-log\n`,
);
const stop = (): void => void sim.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
