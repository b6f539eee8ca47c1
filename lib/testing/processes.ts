// Real processes for tests that kill them: a TypeScript entry point run the way `npm run worker`
// runs scripts/worker.ts (tsx, react-server conditions), its output kept for the test's report.
import { spawn, type ChildProcess } from "node:child_process";

export interface TestProcess {
  pid: number;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Resolves once its output matches; rejects if it exits first or after timeoutMs. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<void>;
  /** Sends the signal and resolves when the process has exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

export function startTsx(script: string, args: string[], env: Record<string, string>): TestProcess {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", script, ...args], {
    cwd: process.cwd(),
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    out += chunk.toString();
    for (const l of listeners) l();
  };
  child.stdout!.on("data", append);
  child.stderr!.on("data", append);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    pid: child.pid!,
    output: () => out,
    waitFor: (pattern, timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        const done = (err?: Error) => {
          listeners.delete(check);
          clearTimeout(timer);
          if (err) reject(err);
          else resolve();
        };
        const check = () => {
          if (pattern.test(out)) done();
        };
        const timer = setTimeout(() => done(new Error(`${script}: no ${pattern} within ${timeoutMs} ms; output:\n${out}`)), timeoutMs);
        listeners.add(check);
        void exited.then(() => done(pattern.test(out) ? undefined : new Error(`${script} exited before ${pattern}; output:\n${out}`)));
        check();
      }),
    kill: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
