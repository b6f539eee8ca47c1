// Starts bench/sync-sim.ts (the GitHub simulator) in a child process and drives it over IPC.
import { fork, type ChildProcess } from "node:child_process";
import type { FaultOptions } from "../sim/github";
import type { IncidentState, SimCommand, SimReply, SimStart, SpreadSummary } from "./sync-sim";

export interface SimProcess {
  url: string;
  installationId: number;
  responderInstallationId: number | null;
  spread: SpreadSummary | null;
  faults(options: FaultOptions): Promise<void>;
  resetRateLimit(): Promise<void>;
  counts(): Promise<{ counts: Record<string, number>; rssMb: number }>;
  /** requests so far, writes logged from index `sinceWrite`, and what is still running (action spread only) */
  incidentState(sinceWrite: number): Promise<IncidentState>;
  close(): Promise<void>;
}

export async function startSimProcess(start: Omit<SimStart, "type">): Promise<SimProcess> {
  const child: ChildProcess = fork(new URL("./sync-sim.ts", import.meta.url), [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const ask = (command: SimCommand) =>
    new Promise<SimReply>((resolve, reject) => {
      const onMessage = (reply: SimReply) => {
        child.off("exit", onExit);
        if (reply.type === "error") reject(new Error(`simulator: ${reply.message}`));
        else resolve(reply);
      };
      const onExit = (code: number | null) => reject(new Error(`the simulator exited (${code})`));
      child.once("message", onMessage);
      child.once("exit", onExit);
      child.send(command);
    });
  const started = await ask({ type: "start", ...start });
  if (started.type !== "started") throw new Error("the simulator did not start");
  return {
    url: started.url,
    installationId: started.installationId,
    responderInstallationId: started.responderInstallationId,
    spread: started.spread,
    faults: async (options) => void (await ask({ type: "faults", options })),
    resetRateLimit: async () => void (await ask({ type: "reset-rate-limit" })),
    counts: async () => {
      const r = await ask({ type: "counts" });
      if (r.type !== "counts") throw new Error("unexpected simulator reply");
      return r;
    },
    incidentState: async (sinceWrite) => {
      const r = await ask({ type: "incident-state", sinceWrite });
      if (r.type !== "incident-state") throw new Error("unexpected simulator reply");
      return r;
    },
    close: async () => {
      if (child.exitCode !== null) return;
      await ask({ type: "close" }).catch(() => undefined);
      if (child.exitCode === null) child.kill();
    },
  };
}
