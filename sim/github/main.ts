import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { generateSyntheticOrg } from "../fixtures/generate";
import { loadBundledOrg, loadFixtureOrg } from "../fixtures/load";
import type { OrgData } from "../fixtures/model";
import { startGithubSim } from "./server";

// CLI: npm run sim:github -- --port 3100 --org acme [--org test-org] [--fixtures DIR]
//   [--synthetic 1000 --seed 1 --corpus ../shared/corpus/real-world]
//   [--app-id 1 --app-key-pub public.pem --webhook-url URL --webhook-secret S]
//   [--responder-app-id 2 --responder-app-key-pub responder.pub.pem]   (a second App: incident writes)
//   [--latency 100] [--fault-seed 1 --fault-5xx 0.05 --fault-timeout 0.01 --fault-secondary 0.02 --fault-reset 0.01]
//   [--rate-limit 5000] [--token-ttl-seconds 3600] [--pat TOKEN]

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "3100" },
    host: { type: "string", default: "127.0.0.1" },
    org: { type: "string", multiple: true, default: [] },
    fixtures: { type: "string", multiple: true, default: [] },
    synthetic: { type: "string" },
    seed: { type: "string", default: "1" },
    corpus: { type: "string" },
    "app-id": { type: "string", default: "1" },
    "app-slug": { type: "string", default: "gatehouse-sim" },
    "app-key-pub": { type: "string" },
    "webhook-url": { type: "string" },
    "webhook-secret": { type: "string" },
    "responder-app-id": { type: "string", default: "2" },
    "responder-app-key-pub": { type: "string" },
    latency: { type: "string", default: "0" },
    "fault-seed": { type: "string", default: "0" },
    "fault-5xx": { type: "string", default: "0" },
    "fault-timeout": { type: "string", default: "0" },
    "fault-secondary": { type: "string", default: "0" },
    "fault-reset": { type: "string", default: "0" },
    "rate-limit": { type: "string", default: "5000" },
    "token-ttl-seconds": { type: "string", default: "3600" },
    pat: { type: "string", multiple: true, default: [] },
  },
});

const orgs: OrgData[] = [
  ...(values.org.length === 0 && values.fixtures.length === 0 && !values.synthetic ? ["acme"] : values.org).map((name) => loadBundledOrg(name)),
  ...values.fixtures.map((dir) => loadFixtureOrg(dir)),
];
if (values.synthetic) {
  orgs.push(generateSyntheticOrg({ repos: Number(values.synthetic), seed: Number(values.seed), corpusDir: values.corpus }));
}

const sim = await startGithubSim({
  port: Number(values.port),
  host: values.host,
  orgs,
  app: values["app-key-pub"]
    ? {
        id: Number(values["app-id"]),
        slug: values["app-slug"],
        publicKeyPem: readFileSync(values["app-key-pub"], "utf8"),
        webhookUrl: values["webhook-url"],
        webhookSecret: values["webhook-secret"],
      }
    : undefined,
  responderApp: values["responder-app-key-pub"]
    ? { id: Number(values["responder-app-id"]), slug: "gatehouse-responder-sim", publicKeyPem: readFileSync(values["responder-app-key-pub"], "utf8") }
    : undefined,
  personalTokens: Object.fromEntries(values.pat.map((t) => [t, {}])),
  latencyMs: Number(values.latency),
  faults: {
    seed: Number(values["fault-seed"]),
    serverErrorRate: Number(values["fault-5xx"]),
    timeoutRate: Number(values["fault-timeout"]),
    secondaryRateLimitRate: Number(values["fault-secondary"]),
    connectionResetRate: Number(values["fault-reset"]),
  },
  rateLimit: { core: Number(values["rate-limit"]), graphql: Number(values["rate-limit"]) },
  tokenTtlMs: Number(values["token-ttl-seconds"]) * 1000,
});

console.log(`GitHub simulator listening on ${sim.url} (orgs: ${orgs.map((o) => `${o.login}[${o.repos.length}]`).join(", ")})`);
const stop = () => void sim.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
