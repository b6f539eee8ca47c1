/**
 * Minimal structured logger: one line per event, to stderr for warnings and errors.
 * Secrets, tokens and connection passwords are never passed to it — and, because a failed
 * query's message carries its parameters (Drizzle: "Failed query: … params: …", where a
 * session token is a parameter), every message and field is redacted on the way out:
 * query parameters and the values a database error quotes never reach the log.
 */
type Fields = Record<string, unknown>;

const REDACTED = "[redacted]";
/** Drizzle's DrizzleQueryError message: the SQL, then `\nparams: v1,v2,…` to the end. */
const PARAMS = /(^|\n|\s)params:[\s\S]*/g;
/** PostgreSQL's detail line quotes values: `Key (session_token)=(abc) already exists.` */
const QUOTED_VALUES = /=\((?:[^()]|\([^()]*\))*\)/g;
/** Error properties that hold query parameters or the values a database error quotes. */
const VALUE_KEYS = new Set(["params", "parameters", "values", "detail"]);
const MAX_DEPTH = 4;

export function redactText(text: string): string {
  return text.replace(PARAMS, `$1params: ${REDACTED}`).replace(QUOTED_VALUES, `=(${REDACTED})`);
}

/** A plain copy of an error that keeps what an operator needs (name, code, message, cause, stack), redacted. */
function redactError(err: Error, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = { name: err.name, message: redactText(err.message) };
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string") out.code = code;
  if (err.cause !== undefined) out.cause = redactValue(err.cause, depth + 1);
  return out;
}

function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactText(value);
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_DEPTH) return "[…]";
  if (value instanceof Error) return redactError(value, depth);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  if (value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = VALUE_KEYS.has(k) ? REDACTED : redactValue(v, depth + 1);
  return out;
}

/**
 * Console arguments made safe to print: strings redacted, errors replaced by an Error of
 * the same name whose message, stack and cause are redacted (util.inspect would otherwise
 * print a DrizzleQueryError's `params` property and its message inside the stack).
 */
export function redactForLog(args: unknown[]): unknown[] {
  return args.map((arg) => {
    if (!(arg instanceof Error)) return redactValue(arg);
    const copy = new Error(redactText(arg.message));
    copy.name = arg.name;
    // The stack starts with "Name: message"; only its frames are kept after the redacted header.
    const header = `${arg.name}: ${arg.message}`;
    const frames = arg.stack?.startsWith(header) ? arg.stack.slice(header.length) : "";
    copy.stack = `${copy.name}: ${copy.message}${frames}`;
    const plain = redactError(arg, 0);
    if (plain.cause !== undefined) copy.cause = plain.cause;
    if (plain.code !== undefined) Object.assign(copy, { code: plain.code });
    return copy;
  });
}

function line(level: string, msg: string, fields?: Fields): string {
  const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(redactValue(fields))}` : "";
  return `[gatehouse] ${level} ${redactText(msg)}${extra}`;
}

export const logger = {
  info(msg: string, fields?: Fields) {
    process.stdout.write(`${line("info", msg, fields)}\n`);
  },
  warn(msg: string, fields?: Fields) {
    process.stderr.write(`${line("warn", msg, fields)}\n`);
  },
  error(msg: string, fields?: Fields) {
    process.stderr.write(`${line("error", msg, fields)}\n`);
  },
};

const consoleHolder = globalThis as unknown as { __gatehouseConsoleRedacted?: boolean };

/**
 * Next.js and Auth.js print errors with console.error / console.warn, outside this logger:
 * route their arguments through the same redaction. Installed once per process at start-up.
 */
export function redactConsoleOutput(): void {
  if (consoleHolder.__gatehouseConsoleRedacted) return;
  consoleHolder.__gatehouseConsoleRedacted = true;
  const error = console.error.bind(console);
  const warn = console.warn.bind(console);
  console.error = (...args: unknown[]) => error(...redactForLog(args));
  console.warn = (...args: unknown[]) => warn(...redactForLog(args));
}
