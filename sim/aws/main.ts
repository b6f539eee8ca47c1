import { parseArgs } from "node:util";
import { ACME_AWS, ACME_AWS_KEYS } from "../fixtures/aws-acme";
import { startAwsSim } from "./server";

// CLI: npm run sim:aws -- [--port 3200] [--host 127.0.0.1] [--fault-seed 1 --fault-throttling 0.05 --fault-5xx 0.02]
// Serves acme's AWS account (sim/fixtures/aws-acme.ts) with the demo's read-only and responder keys.

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "3200" },
    host: { type: "string", default: "127.0.0.1" },
    "fault-seed": { type: "string", default: "0" },
    "fault-throttling": { type: "string", default: "0" },
    "fault-5xx": { type: "string", default: "0" },
  },
});

const sim = await startAwsSim({
  ...ACME_AWS,
  port: Number(values.port),
  host: values.host,
  accessKeys: [ACME_AWS_KEYS.readOnly, ACME_AWS_KEYS.responder],
  faults: { seed: Number(values["fault-seed"]), throttlingRate: Number(values["fault-throttling"]), serverErrorRate: Number(values["fault-5xx"]) },
});
process.stdout.write(
  `AWS IAM simulator for account ${sim.accountId} at ${sim.url}\n` +
    `  AWS_ENDPOINT_URL_IAM=${sim.url}\n` +
    `  read-only: AWS_ACCESS_KEY_ID=${ACME_AWS_KEYS.readOnly.accessKeyId} AWS_SECRET_ACCESS_KEY=${ACME_AWS_KEYS.readOnly.secretAccessKey}\n` +
    `  responder: AWS_ACCESS_KEY_ID=${ACME_AWS_KEYS.responder.accessKeyId} AWS_SECRET_ACCESS_KEY=${ACME_AWS_KEYS.responder.secretAccessKey}\n`,
);
const stop = () => void sim.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
