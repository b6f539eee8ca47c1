import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { SEVERITIES, type AnalysisResult, type Severity } from "../lib/analysis/index";
import {
  DEFAULT_POLICY_MAX_BYTES,
  evaluateTrusts,
  GITHUB_ISSUER,
  isGhesIssuer,
  loadPolicy,
  resolveSubject,
  subTemplateSchema,
  trustReport,
  type RepoIdentity,
  type TrustError,
  type TrustReport,
} from "../lib/trust/index";
import { readBounded } from "./collect";
import { location } from "./format-table";
import { formatTrustTable } from "./format-trust-table";

// `gatehouse trust`: reads exported trust policies and workflow files, and asks lib/trust
// which jobs' tokens each trust accepts. The only I/O of the command is here.

export const TRUST_HELP = `Usage:
  gatehouse trust --policies <file-or-dir> [more .json files] --repo OWNER/REPO [options] <workflow path...>

Workflow paths may name GitHub Actions workflows and Buildkite pipeline files
(.buildkite/pipeline.yml): a Buildkite step that runs buildkite-agent oidc request-token
is matched against trusts of https://agent.buildkite.com.

Policies are recognised by shape: aws iam get-role / get-account-authorization-details,
gcloud iam workload-identity-pools providers describe|list --format=json,
az ad app|identity federated-credential list, vault read -format=json auth/<path>/role/<name>
(a Vault role is named after its file). --policies may be repeated; after it, further
arguments ending in .json are policies too. Directories are searched for *.json.

Options:
  --repo           OWNER/REPO, or OWNER@OWNER_ID/REPO@REPO_ID when the ids are known
  --sub-template   the repository's subject template as GitHub returns it
                   (GET /repos/OWNER/REPO/actions/oidc/customization/sub), inline JSON
                   or a file; without it the default template in either format is assumed
  --issuer         the tokens' issuer (default ${GITHUB_ISSUER}; GHES:
                   https://HOST/_services/token; GHEC: …/ENTERPRISE_SLUG)
  --default-branch the repository's default branch (schedule and similar runs)
  --aws-keys       comma list of GitHub claims, besides aud and sub, that AWS STS puts in
                   the request context (unknown by default)
  --buildkite-org  the Buildkite organization's slug (unknown by default: verdicts that
                   depend on it are "possibly")
  --buildkite-pipeline  comma list of the Buildkite pipelines that run the pipeline files
                   (one of them does; unknown by default)
  --format         table (default) or json
  --fail-on        exit with 1 when a finding has this severity or worse
`;

export class TrustUsageError extends Error {}

const REPO = /^([A-Za-z0-9-]+)(?:@(\d+))?\/([A-Za-z0-9._-]+)(?:@(\d+))?$/;
const SKIP_DIRS = new Set(["node_modules", ".git"]);

/** Splits `--policies a.json b.json` off the arguments: the first value always, more while they end in .json. */
export function takePolicies(argv: string[]): { policies: string[]; rest: string[] } {
  const policies: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a.startsWith("--policies=")) {
      policies.push(a.slice("--policies=".length));
      continue;
    }
    if (a !== "--policies") {
      rest.push(a);
      continue;
    }
    const first = argv[i + 1];
    if (first === undefined || first.startsWith("-")) throw new TrustUsageError("--policies needs a file or directory");
    policies.push(first);
    i++;
    while (i + 1 < argv.length && /\.json$/i.test(argv[i + 1] as string) && !(argv[i + 1] as string).startsWith("-")) policies.push(argv[++i] as string);
  }
  return { policies, rest };
}

function parseRepo(value: string): RepoIdentity {
  const m = REPO.exec(value);
  if (m === null) throw new TrustUsageError(`--repo ${JSON.stringify(value)} must be OWNER/REPO or OWNER@OWNER_ID/REPO@REPO_ID`);
  const [, owner, ownerId, name, repoId] = m as unknown as [string, string, string | undefined, string, string | undefined];
  return { owner, name, ownerId: ownerId ?? null, repoId: repoId ?? null };
}

function readTemplate(value: string): unknown {
  let text = value;
  if (!value.trimStart().startsWith("{")) {
    try {
      text = readFileSync(value, "utf8");
    } catch (err) {
      throw new TrustUsageError(`cannot read --sub-template ${value}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new TrustUsageError(`--sub-template is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function policyFiles(path: string): string[] {
  let stat;
  try {
    stat = statSync(path);
  } catch (err) {
    throw new TrustUsageError(`cannot read --policies ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!stat.isDirectory()) return [path];
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(dir, e.name);
      if (e.isDirectory() && !SKIP_DIRS.has(e.name)) walk(full);
      else if (e.isFile() && /\.json$/i.test(e.name)) out.push(full);
    }
  };
  walk(path);
  return out;
}

export interface TrustRun {
  output: string;
  exitCode: number;
}

export function runTrust(argv: string[], scan: (paths: string[]) => AnalysisResult, colour: boolean): TrustRun {
  const { policies, rest } = takePolicies(argv);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      repo: { type: "string" },
      "sub-template": { type: "string" },
      issuer: { type: "string" },
      "default-branch": { type: "string" },
      "aws-keys": { type: "string" },
      "buildkite-org": { type: "string" },
      "buildkite-pipeline": { type: "string" },
      format: { type: "string", short: "f" },
      "fail-on": { type: "string" },
    },
  });
  if (policies.length === 0) throw new TrustUsageError("trust needs --policies <file-or-dir>");
  if (values.repo === undefined) throw new TrustUsageError("trust needs --repo OWNER/REPO");
  if (positionals.length === 0) throw new TrustUsageError("trust needs at least one workflow path");
  const format = values.format ?? "table";
  if (format !== "table" && format !== "json") throw new TrustUsageError("--format must be table or json");
  const failOn = values["fail-on"] as Severity | undefined;
  if (failOn !== undefined && !SEVERITIES.includes(failOn)) throw new TrustUsageError(`--fail-on must be one of ${SEVERITIES.join(", ")}`);
  const issuer = (values.issuer ?? GITHUB_ISSUER).replace(/\/+$/, "");
  if (!/^https:\/\/[^/\s]+(\/[^\s]*)?$/.test(issuer)) throw new TrustUsageError("--issuer must be an https:// URL");

  let template = null;
  if (values["sub-template"] !== undefined) {
    const parsed = subTemplateSchema.safeParse(readTemplate(values["sub-template"]));
    if (!parsed.success) throw new TrustUsageError(`--sub-template: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(top level)"}: ${i.message}`).join("; ")}`);
    template = parsed.data;
  }
  const subject = resolveSubject(parseRepo(values.repo), template, isGhesIssuer(issuer));
  if ("error" in subject) throw new TrustUsageError(`--sub-template: ${subject.error}`);

  const errors: TrustError[] = [];
  const trusts = policies.flatMap(policyFiles).flatMap((file) => {
    const loaded = loadPolicy({ path: file, content: readBounded(file, DEFAULT_POLICY_MAX_BYTES) }, issuer);
    errors.push(...loaded.errors);
    return loaded.trusts;
  });
  let analysis: AnalysisResult;
  try {
    analysis = scan(positionals);
  } catch (err) {
    throw new TrustUsageError(err instanceof Error ? err.message : String(err));
  }
  errors.push(...analysis.errors.map((e) => ({ path: location(e.root, e.path), message: e.message })));
  const entries = evaluateTrusts(trusts, analysis.workflows, {
    repo: subject.repo,
    subject: subject.settings,
    issuer,
    defaultBranch: values["default-branch"] ?? null,
    awsKnownKeys: (values["aws-keys"] ?? "").split(",").map((k) => k.trim().toLowerCase()).filter((k) => k !== ""),
    buildkite: { orgSlug: values["buildkite-org"] ?? null, pipelineSlugs: (values["buildkite-pipeline"] ?? "").split(",").map((p) => p.trim()).filter((p) => p !== "") },
  });
  const report: TrustReport = trustReport(entries, errors);
  const output =
    format === "json" ? `${JSON.stringify(report, null, 2)}\n` : formatTrustTable(report, colour, subject.settings.formats.length > 1 ? "the subject format (classic or immutable) is not known: pass --sub-template to decide" : null);
  const threshold = failOn === undefined ? -1 : SEVERITIES.indexOf(failOn);
  const failed = failOn !== undefined && report.trusts.some((t) => t.findings.some((f) => SEVERITIES.indexOf(f.severity) <= threshold));
  return { output, exitCode: failed ? 1 : 0 };
}
