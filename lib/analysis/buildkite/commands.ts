import { flagValues, occurrences, WINDOW, wordsAfter, type TextLines } from "./text";

// What a step's command text says about credentials: Buildkite secrets fetched with
// `buildkite-agent secret get`, OIDC tokens minted with `buildkite-agent oidc request-token`,
// AWS roles assumed with `aws sts`, dynamic `buildkite-agent pipeline upload`s, untrusted build
// values interpolated at upload, and credential-named variables the script reads. Every pattern
// is linear; each occurrence reads at most WINDOW characters after it (text.ts).

export interface OidcRequest {
  line: number;
  /** The audience as written (a literal, or `$VAR` when it comes from the environment). */
  audience: string | null;
  /** `--lifetime` in seconds; null when not given (the server's default, 5 minutes) or not a literal. */
  lifetime: number | null;
  claims: string[];
  sessionTags: string[];
  subjectClaim: string | null;
}

export interface RoleAssumption {
  line: number;
  roleArn: string | null;
  webIdentity: boolean;
}

export interface Upload {
  line: number;
  /** Where the uploaded steps come from, in words. */
  source: string;
  /** A program's output or a here-document (generated), a named file, or the default pipeline file. */
  from: "generated" | "file" | "default";
  /** Untrusted build values the uploaded text is built from (`BUILDKITE_BRANCH`…). */
  untrusted: string[];
  noInterpolation: boolean;
}

export interface CommandFacts {
  secretGets: Array<{ name: string; line: number }>;
  oidc: OidcRequest[];
  roles: RoleAssumption[];
  uploads: Upload[];
  /** Untrusted build values a single `$` lets `pipeline upload` write into the command. */
  interpolated: Array<{ name: string; line: number }>;
  /** Credential-named variables the script reads and does not set itself. */
  envRefs: Array<{ name: string; line: number }>;
}

const SECRET_GET = /\bbuildkite-agent\s+secret\s+get\b/g;
const OIDC_TOKEN = /\bbuildkite-agent\s+oidc\s+request-token\b/g;
const STS = /\baws\s+sts\s+(assume-role-with-web-identity|assume-role)\b/g;
const UPLOAD = /\bbuildkite-agent\s+pipeline\s+upload\b/g;
/**
 * Build values whose text whoever pushes a branch or a commit chooses (a fork's branch name, a
 * commit message, an author's name). `BUILDKITE_PULL_REQUEST`, `…_REPO`, `…_BASE_BRANCH` and
 * `…_LABELS` are not here: a number, a repository URL, an existing branch and labels the
 * maintainers set cannot carry YAML or shell syntax from an outsider.
 */
const UNTRUSTED_VAR = /\$\{?(BUILDKITE_(?:BRANCH|MESSAGE|TAG|BUILD_AUTHOR(?:_EMAIL)?|BUILD_CREATOR(?:_EMAIL)?))\b/g;
const VAR_REF = /\$\{?([A-Za-z_][A-Za-z0-9_]*)/g;
const ASSIGNED = /(?:^|[\s;&|(`])(?:export\s+|local\s+|readonly\s+)?([A-Za-z_][A-Za-z0-9_]*)=/g;
const READ_INTO = /\bread\s+(?:-[a-z]+\s+)*([A-Za-z_][A-Za-z0-9_]*)/g;
const SECRET_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SECRET_GET_VALUE_FLAGS = new Set(["--format", "--job", "--agent-access-token", "--endpoint", "--log-level", "--experiment", "--profile"]);
const UPLOAD_VALUE_FLAGS = new Set(["--job", "--format", "--agent-access-token", "--endpoint", "--log-level", "--redacted-vars", "--signing-key-path", "--jwks-file", "--jwks-key-id", "--experiment", "--profile"]);

/** Names of variables that hold credentials by convention. */
export const CREDENTIAL_NAME = /(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|SIGNING_?KEY|SSH_?KEY|DEPLOY_?KEY|CREDENTIALS?)(_|$)/;
/** The agent's own variables: its session token is not a secret of the pipeline. */
const AGENT_VAR = /^BUILDKITE_(AGENT_|PLUGIN_|JOB_|BUILD_|PIPELINE_|STEP_|PULL_REQUEST|ORGANIZATION|BRANCH|COMMIT|TAG|MESSAGE|REPO)/;

export function isCredentialName(name: string): boolean {
  return name.length <= 256 && CREDENTIAL_NAME.test(name.toUpperCase()) && !AGENT_VAR.test(name);
}

/**
 * An odd run of `$` ending at `at` is a reference `pipeline upload` interpolates; `$$` is an
 * escaped `$`, and so is `\$`. Runs before different matches do not overlap: linear in all.
 */
function interpolatedAt(text: string, at: number): boolean {
  let start = at;
  while (start > 0 && text[start - 1] === "$") start--;
  return (at - start) % 2 === 0 && text[start - 1] !== "\\";
}

function untrustedIn(text: string): string[] {
  const out = new Set<string>();
  for (const m of occurrences(text, UNTRUSTED_VAR)) if (m[1] !== undefined) out.add(m[1]);
  return [...out];
}

function lifetimeOf(words: string[]): number | null {
  const value = flagValues(words, "lifetime").at(-1);
  return value !== undefined && /^\d{1,9}$/.test(value) ? Number(value) : null;
}

function listFlag(words: string[], name: string): string[] {
  return flagValues(words, name).flatMap((v) => v.split(",").map((x) => x.trim()).filter((x) => x !== ""));
}

function uploadOf(cmd: TextLines, m: RegExpExecArray): Upload {
  const { text } = cmd;
  const after = wordsAfter(text, m.index + m[0].length);
  const flags = after.words.filter((w) => w.startsWith("-"));
  const files = after.words.filter((w, i) => !w.startsWith("-") && !UPLOAD_VALUE_FLAGS.has(after.words[i - 1] ?? ""));
  // The producer: what a `|` feeds in, looked for at most WINDOW characters back on the line.
  const window = text.slice(Math.max(0, m.index - WINDOW), m.index);
  const before = window.slice(window.lastIndexOf("\n") + 1);
  const pipe = before.lastIndexOf("|");
  const base = { line: cmd.lineAt(m.index), noInterpolation: flags.includes("--no-interpolation") };
  if (pipe >= 0 && before[pipe - 1] !== "|") {
    const producer = before.slice(0, pipe).trim();
    const shown = producer.length > 80 ? `${producer.slice(0, 77)}...` : producer;
    return { ...base, source: `the output of \`${shown}\``, from: "generated", untrusted: untrustedIn(producer) };
  }
  if (after.heredoc !== null) {
    const bodyStart = text.indexOf("\n", after.end);
    const body = bodyStart < 0 || bodyStart - after.end > WINDOW ? "" : text.slice(bodyStart + 1, bodyStart + 1 + 65_536);
    const word = after.heredoc.replace(/[^A-Za-z0-9_]/g, "");
    const close = word === "" ? -1 : body.search(new RegExp(`^[ \\t]*${word}[ \\t]*$`, "m"));
    return { ...base, source: "a here-document", from: "generated", untrusted: untrustedIn(close < 0 ? body : body.slice(0, close)) };
  }
  if (text[after.end] === "<") {
    const file = wordsAfter(text, after.end + 1).words[0];
    return { ...base, source: file !== undefined ? `file ${file}` : "standard input", from: "file", untrusted: [] };
  }
  if (files.length > 0) return { ...base, source: `file ${files.join(", ")}`, from: "file", untrusted: [] };
  return { ...base, source: "the default pipeline file", from: "default", untrusted: [] };
}

export function scanCommands(cmd: TextLines | null): CommandFacts {
  const facts: CommandFacts = { secretGets: [], oidc: [], roles: [], uploads: [], interpolated: [], envRefs: [] };
  if (cmd === null) return facts;
  const { text } = cmd;
  for (const m of occurrences(text, SECRET_GET)) {
    const { words } = wordsAfter(text, m.index + m[0].length);
    for (let i = 0; i < words.length; i++) {
      const w = words[i] as string;
      if (w.startsWith("--")) {
        if (SECRET_GET_VALUE_FLAGS.has(w)) i++;
        continue;
      }
      if (!SECRET_KEY.test(w)) break;
      facts.secretGets.push({ name: w, line: cmd.lineAt(m.index) });
    }
  }
  for (const m of occurrences(text, OIDC_TOKEN)) {
    const { words } = wordsAfter(text, m.index + m[0].length);
    facts.oidc.push({
      line: cmd.lineAt(m.index),
      audience: flagValues(words, "audience").at(-1) ?? null,
      lifetime: lifetimeOf(words),
      claims: listFlag(words, "claim"),
      sessionTags: listFlag(words, "aws-session-tag"),
      subjectClaim: flagValues(words, "subject-claim").at(-1) ?? null,
    });
  }
  for (const m of occurrences(text, STS)) {
    const { words } = wordsAfter(text, m.index + m[0].length);
    facts.roles.push({ line: cmd.lineAt(m.index), roleArn: flagValues(words, "role-arn").at(-1) ?? null, webIdentity: m[1] === "assume-role-with-web-identity" });
  }
  for (const m of occurrences(text, UPLOAD)) facts.uploads.push(uploadOf(cmd, m));
  for (const m of occurrences(text, UNTRUSTED_VAR)) {
    if (m[1] !== undefined && interpolatedAt(text, m.index)) facts.interpolated.push({ name: m[1], line: cmd.lineAt(m.index) });
  }
  const assigned = new Set<string>();
  for (const re of [ASSIGNED, READ_INTO]) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) if (m[1] !== undefined) assigned.add(m[1]);
  }
  const seen = new Set<string>();
  VAR_REF.lastIndex = 0;
  for (let m = VAR_REF.exec(text); m !== null; m = VAR_REF.exec(text)) {
    const name = m[1];
    if (name === undefined || seen.has(name) || assigned.has(name) || !isCredentialName(name)) continue;
    seen.add(name);
    facts.envRefs.push({ name, line: cmd.lineAt(m.index) });
  }
  return facts;
}
