// A failing query's parameters never reach the server log: Drizzle puts them in its error
// message ("Failed query: … params: …"), and a session token is such a parameter.
import { format } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { sql } from "drizzle-orm";
import { openTestDatabase } from "@/lib/testing/test-db";
import { createSession, createUser } from "@/lib/testing/fixtures";
import type { DatabaseHandle } from "@/lib/db/types";
import { redactForLog } from "@/lib/logger";
import { toErrorBody } from "@/lib/door/use-case";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(async () => {
  await handle.close();
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** What the process writes to stdout and stderr while `fn` runs. */
async function captured(fn: () => Promise<void> | void): Promise<string> {
  const out: string[] = [];
  const keep = (chunk: unknown) => {
    out.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stderr, "write").mockImplementation(keep);
  vi.spyOn(process.stdout, "write").mockImplementation(keep);
  await fn();
  vi.restoreAllMocks();
  return out.join("");
}

/** Runs the session lookup with the token as a parameter, made to fail by a bad cast. */
async function failingQueryWith(token: string): Promise<unknown> {
  try {
    await handle.db.execute(sql`select user_id from session where session_token = ${token} and expires > ${"not-a-date"}::timestamptz`);
  } catch (err) {
    return err;
  }
  throw new Error("the query was meant to fail");
}

describe("error logging", () => {
  it("the error carries the token (so the test proves something)", async () => {
    const user = await createUser(handle.db, `log-${crypto.randomUUID()}@example.test`);
    const token = await createSession(handle.db, user);
    const err = await failingQueryWith(token);
    expect(String(err)).toContain(token);
  });

  it("an unexpected error mapped by the one door logs no query parameter", async () => {
    const user = await createUser(handle.db, `log-${crypto.randomUUID()}@example.test`);
    const token = await createSession(handle.db, user);
    const err = await failingQueryWith(token);
    const log = await captured(() => void toErrorBody(err, "req-1"));
    expect(log).toContain("unexpected error");
    expect(log).toContain("Failed query");
    expect(log).not.toContain(token);
    // The database's own reason survives: it is what an operator needs.
    expect(log).toMatch(/invalid input syntax|timestamp/i);
  });

  it("console output (Next's and Auth.js's error logging) is redacted the same way", async () => {
    const user = await createUser(handle.db, `log-${crypto.randomUUID()}@example.test`);
    const token = await createSession(handle.db, user);
    const err = await failingQueryWith(token);
    const printed = format("%s", ...redactForLog([err]));
    expect(printed).toContain("Failed query");
    expect(printed).not.toContain(token);
    expect(format(...(redactForLog(["boom", { error: err }]) as [unknown]))).not.toContain(token);
  });
});
