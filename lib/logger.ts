/**
 * Minimal structured logger: one line per event, to stderr for warnings and errors.
 * Secrets, tokens and connection passwords are never passed to it.
 */
type Fields = Record<string, unknown>;

function line(level: string, msg: string, fields?: Fields): string {
  const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : "";
  return `[gatehouse] ${level} ${msg}${extra}`;
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
