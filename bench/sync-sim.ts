// The GitHub simulator of bench/sync.ts, in a process of its own (GitHub's CPU is not
// Gatehouse's): started with fork() by the bench, driven over the IPC channel, loopback only.
import { generateSyntheticOrg } from "../sim/fixtures/generate";
import { startGithubSim, type FaultOptions } from "../sim/github";

export interface SimStart {
  type: "start";
  repos: number;
  seed: number;
  login: string;
  now: number;
  hostile: boolean;
  appId: number;
  publicKeyPem: string;
  latencyMs: number;
  coreLimit: number;
}
export type SimCommand = SimStart | { type: "faults"; options: FaultOptions } | { type: "reset-rate-limit" } | { type: "counts" } | { type: "close" };
export type SimReply =
  | { type: "started"; url: string; installationId: number }
  | { type: "ok" }
  | { type: "counts"; counts: Record<string, number>; rssMb: number }
  | { type: "error"; message: string };

const send = (reply: SimReply) => process.send?.(reply);
let sim: Awaited<ReturnType<typeof startGithubSim>> | null = null;

process.on("message", (raw: SimCommand) => {
  void (async () => {
    try {
      if (raw.type === "start") {
        const org = generateSyntheticOrg({ repos: raw.repos, seed: raw.seed, login: raw.login, now: raw.now, hostile: raw.hostile });
        sim = await startGithubSim({
          host: "127.0.0.1",
          orgs: [org],
          app: { id: raw.appId, slug: "gatehouse-bench", publicKeyPem: raw.publicKeyPem, installations: {} },
          latencyMs: raw.latencyMs,
          rateLimit: { core: raw.coreLimit, graphql: 5000 },
        });
        const installation = sim.core.installationForOrg(raw.login);
        if (!installation) throw new Error("no installation for the bench org");
        send({ type: "started", url: sim.url, installationId: installation.id });
      } else if (!sim) {
        throw new Error("the simulator is not started");
      } else if (raw.type === "faults") {
        sim.core.faults.configure(raw.options);
        send({ type: "ok" });
      } else if (raw.type === "reset-rate-limit") {
        sim.core.rateLimiter.reset();
        send({ type: "ok" });
      } else if (raw.type === "counts") {
        send({ type: "counts", counts: { ...sim.core.faults.counts }, rssMb: Math.round(process.resourceUsage().maxRSS / 1024) });
      } else if (raw.type === "close") {
        await sim.close();
        send({ type: "ok" });
        process.exit(0);
      }
    } catch (error) {
      send({ type: "error", message: error instanceof Error ? error.message : String(error) });
    }
  })();
});
process.on("disconnect", () => process.exit(0));
