import { format } from "node:util";
import { afterEach, describe, expect, it, vi } from "vitest";
import { logger, redactConsoleOutput, redactForLog, redactText } from "./logger";

const TOKEN = "d209f622cee70cd7c85b4e825ad28538";

/** A Drizzle query error as drizzle-orm 0.45 builds it, over a PostgreSQL error quoting the value. */
function queryError() {
  const cause = Object.assign(new Error('duplicate key value violates unique constraint "session_pkey"'), {
    code: "23505",
    detail: `Key (session_token)=(${TOKEN}) already exists.`,
  });
  return Object.assign(new Error(`Failed query: insert into "session" values ($1, $2)\nparams: ${TOKEN},2030-01-01`, { cause }), { params: [TOKEN] });
}

afterEach(() => vi.restoreAllMocks());

describe("log redaction", () => {
  it("cuts a failed query's parameters and the values a database error quotes", () => {
    expect(redactText(`Failed query: select 1 where t = $1\nparams: ${TOKEN}`)).toBe("Failed query: select 1 where t = $1\nparams: [redacted]");
    expect(redactText(`Key (session_token)=(${TOKEN}) already exists.`)).toBe("Key (session_token)=([redacted]) already exists.");
    expect(redactText("nothing to hide here")).toBe("nothing to hide here");
  });

  it("the logger redacts messages, fields, errors and their causes, keeping the SQL and the code", () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((chunk) => (lines.push(String(chunk)), true));
    logger.error("unexpected error", { error: queryError(), also: String(queryError()), nested: { deeper: { params: [TOKEN] } } });
    const out = lines.join("");
    expect(out).not.toContain(TOKEN);
    expect(out).toContain('insert into \\"session\\"');
    expect(out).toContain("23505");
  });

  it("console arguments are redacted, errors included (message, stack, properties, cause)", () => {
    const printed = format(...(redactForLog(["failed:", queryError(), { error: queryError() }]) as [unknown]));
    expect(printed).not.toContain(TOKEN);
    expect(printed).toContain("Failed query");
    expect(printed).toContain("duplicate key value");
    expect(printed).toMatch(/\n\s+at /); // the stack's frames are kept
  });

  it("once installed, console.error and console.warn print redacted arguments", () => {
    const seen: unknown[][] = [];
    const keep = (...args: unknown[]) => void seen.push(args);
    const [error, warn] = [console.error, console.warn];
    console.error = keep;
    console.warn = keep;
    try {
      redactConsoleOutput();
      console.error("⨯", queryError());
      console.warn({ params: [TOKEN] });
    } finally {
      console.error = error;
      console.warn = warn;
    }
    expect(seen).toHaveLength(2);
    expect(format(...(seen.flat() as [unknown]))).not.toContain(TOKEN);
  });
});
