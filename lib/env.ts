import { z } from "zod";

/**
 * The one reader of process.env. Every setting is parsed once, on first use, and a
 * missing or malformed one stops start-up with a sentence naming the variable and
 * what to put in it. Nothing else in the app reads process.env (tests and tooling aside).
 */

const boolish = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

/** A true/false setting whose malformed value is refused with `message`. */
const flag = (message: string) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(["true", "false", "1", "0", "yes", "no"], { message }))
    .transform((v) => v === "true" || v === "1" || v === "yes");

const httpUrl = (message: string) =>
  z
    .string()
    .trim()
    .url({ message })
    .refine((v) => /^https?:\/\//i.test(v), { message: "must be an http(s) URL (https:// in production)" });

const optionalUrl = (what: string) => httpUrl(`must be a URL such as ${what}`).optional();

/** Hosts where plain http never leaves the machine (a TLS proxy or a simulator beside Gatehouse). */
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** URL settings that carry sessions, tokens or sign-in answers: https:// in production. */
const TLS_SETTINGS = ["AUTH_URL", "AUTH_OIDC_ISSUER", "GITHUB_API_URL", "AUTH_GITHUB_ENTERPRISE_URL"] as const;

function isPlainHttpOffMachine(url: string): boolean {
  const parsed = new URL(url);
  return parsed.protocol === "http:" && !LOOPBACK_HOSTS.has(parsed.hostname.toLowerCase());
}

const RoleSchema = z.enum(["viewer", "responder", "admin"]);

/** `group=org:role` pairs, comma separated: `platform-admins=acme:admin,oncall=acme:responder`. */
const groupRolesSchema = z
  .string()
  .trim()
  .transform((raw, ctx) => {
    const out: { group: string; orgSlug: string; role: z.infer<typeof RoleSchema> }[] = [];
    for (const pair of raw.split(",").map((s) => s.trim()).filter(Boolean)) {
      const m = /^([^=]+)=([a-z0-9][a-z0-9-]*):(viewer|responder|admin)$/i.exec(pair);
      if (!m) {
        ctx.addIssue({
          code: "custom",
          message: `"${pair}" is not of the form group=org-slug:role (role is viewer, responder or admin)`,
        });
        return z.NEVER;
      }
      out.push({ group: m[1]!.trim(), orgSlug: m[2]!.toLowerCase(), role: RoleSchema.parse(m[3]!.toLowerCase()) });
    }
    return out;
  });

const emailList = z
  .string()
  .trim()
  .transform((raw) => raw.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean))
  .pipe(z.array(z.string().email({ message: "must be a comma-separated list of email addresses" })));

/** A GitHub App's PEM private key; `\n` may stand for newlines (one-line environment files). */
const pemKey = z
  .string()
  .trim()
  .regex(/-----BEGIN [A-Z ]*PRIVATE KEY-----/, { message: "must be the App's private key in PEM form (-----BEGIN RSA PRIVATE KEY----- …); newlines may be written as \\n" })
  .transform((v) => v.replace(/\\n/g, "\n"));

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z
    .string()
    .trim()
    .regex(/^postgres(ql)?:\/\/.+/, {
      message: "must be a PostgreSQL connection URL such as postgres://user:password@host:5432/gatehouse (or leave it unset for the embedded database)",
    })
    .optional(),
  DATABASE_MIGRATION_URL: z
    .string()
    .trim()
    .regex(/^postgres(ql)?:\/\/.+/, {
      message: "must be the PostgreSQL URL of the schema's owner, used only by `npm run db:migrate` (postgres://gatehouse_owner:…@host:5432/gatehouse)",
    })
    .optional(),
  DATA_DIR: z.string().trim().min(1).default(".data"),
  AUTH_SECRET: z
    .string()
    .min(32, { message: "must be a random string of at least 32 characters, for example the output of `openssl rand -base64 32`" })
    .optional(),
  AUTH_URL: optionalUrl("https://gatehouse.example.com"),
  AUTH_TRUST_HOST: boolish.optional(),
  AUTH_OIDC_ISSUER: optionalUrl("https://login.example.com/ (the issuer exactly as the provider's discovery document states it)"),
  AUTH_OIDC_CLIENT_ID: z.string().trim().min(1).optional(),
  AUTH_OIDC_CLIENT_SECRET: z.string().trim().min(1).optional(),
  AUTH_OIDC_NAME: z.string().trim().min(1).default("Single sign-on"),
  AUTH_OIDC_GROUPS_CLAIM: z.string().trim().min(1).default("groups"),
  AUTH_OIDC_TRUST_EMAIL: flag(
    "must be true or false: true trusts the email address of an OpenID provider that sends no email_verified claim (only for a provider that issues verified addresses only); false (the default) refuses such a sign-in",
  ).default(false),
  AUTH_GITHUB_ID: z.string().trim().min(1).optional(),
  AUTH_GITHUB_SECRET: z.string().trim().min(1).optional(),
  AUTH_GITHUB_ENTERPRISE_URL: optionalUrl("https://github.example.com (GitHub Enterprise Server)"),
  AUTH_GROUP_ROLES: groupRolesSchema.optional(),
  BOOTSTRAP_ADMIN_EMAILS: emailList.optional(),
  GITHUB_API_URL: httpUrl("must be GitHub's API URL: https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server").default(
    "https://api.github.com",
  ),
  GITHUB_APP_ID: z.coerce.number({ message: "must be the numeric App ID shown on the GitHub App's settings page" }).int().positive().optional(),
  GITHUB_APP_PRIVATE_KEY: pemKey.optional(),
  GITHUB_APP_PRIVATE_KEY_FILE: z.string().trim().min(1).optional(),
  // The responder App (incident mode's writes): a second App, so the reader that syncs never writes.
  GITHUB_RESPONDER_APP_ID: z.coerce
    .number({ message: "must be the numeric App ID shown on the responder GitHub App's settings page" })
    .int()
    .positive()
    .optional(),
  GITHUB_RESPONDER_APP_PRIVATE_KEY: pemKey.optional(),
  GITHUB_RESPONDER_APP_PRIVATE_KEY_FILE: z.string().trim().min(1).optional(),
  GITHUB_WEBHOOK_SECRET: z.string().min(16, { message: "must be the webhook secret set on the GitHub App, at least 16 characters" }).optional(),
  GATEHOUSE_GITHUB_TOKEN: z.string().trim().min(20, { message: "must be a GitHub fine-grained or classic token" }).optional(),
  /** Incident mode: how long a cancelled run may keep running before Gatehouse force-cancels it. */
  INCIDENT_FORCE_CANCEL_SECONDS: z.coerce.number({ message: "must be a number of seconds (GitHub's guidance: about 30)" }).min(0.1).max(600).default(30),
  // Cloud trust sources whose credentials come "from the environment" (lib/trust-sources/connection.ts):
  // each provider's standard variables, read only when such a source is read.
  AWS_ACCESS_KEY_ID: z.string().trim().min(16, { message: "must be an AWS access key id (AKIA… or ASIA…)" }).optional(),
  AWS_SECRET_ACCESS_KEY: z.string().trim().min(16, { message: "must be the AWS secret access key of AWS_ACCESS_KEY_ID" }).optional(),
  AWS_SESSION_TOKEN: z.string().trim().min(1).optional(),
  GOOGLE_APPLICATION_CREDENTIALS: z.string().trim().min(1, { message: "must be the path of a service-account key JSON file" }).optional(),
  AZURE_CLIENT_SECRET: z.string().min(1).optional(),
  VAULT_TOKEN: z.string().min(1).optional(),
  // Responder (write) credentials of trust sources set to take them "from the environment", for
  // revoking OIDC trust in an incident (lib/incidents/trust-revoke.ts): separate from the
  // read-only ones above (least privilege), sent to the same operator endpoints below.
  AWS_RESPONDER_ACCESS_KEY_ID: z.string().trim().min(16, { message: "must be the AWS access key id (AKIA…) of the responder's IAM user, the one allowed iam:PutRolePolicy" }).optional(),
  AWS_RESPONDER_SECRET_ACCESS_KEY: z.string().trim().min(16, { message: "must be the AWS secret access key of AWS_RESPONDER_ACCESS_KEY_ID" }).optional(),
  GCP_RESPONDER_KEY_FILE: z.string().trim().min(1, { message: "must be the path of the responder service account's key JSON file" }).optional(),
  AZURE_RESPONDER_CLIENT_ID: z.string().trim().min(1, { message: "must be the application (client) id of the responder's app registration" }).optional(),
  AZURE_RESPONDER_CLIENT_SECRET: z.string().min(1, { message: "must be the client secret of AZURE_RESPONDER_CLIENT_ID" }).optional(),
  VAULT_RESPONDER_TOKEN: z.string().min(1, { message: "must be a Vault token allowed to delete the JWT roles" }).optional(),
  // Where those environment credentials may be sent: the operator's choice, never a source's
  // setting (an admin could otherwise point a source at a server of theirs and receive the
  // server's Vault token or Azure client secret). Unset: the provider's public endpoint.
  AWS_ENDPOINT_URL_IAM: optionalUrl("https://iam.amazonaws.com (an IAM endpoint; for the simulator http://127.0.0.1:PORT)"),
  GCP_IAM_ENDPOINT: optionalUrl("https://iam.googleapis.com"),
  GCP_TOKEN_URL: optionalUrl("https://oauth2.googleapis.com/token"),
  AZURE_LOGIN_ENDPOINT: optionalUrl("https://login.microsoftonline.com"),
  AZURE_GRAPH_ENDPOINT: optionalUrl("https://graph.microsoft.com"),
  AZURE_ARM_ENDPOINT: optionalUrl("https://management.azure.com"),
  VAULT_ADDR: optionalUrl("https://vault.example.com:8200"),
  // Pipeline sources (lib/pipeline-sources/connection.ts) whose credentials come "from the
  // environment": a Buildkite organization's read-only API token and the URL it may be sent to,
  // a cluster's kubeconfig file (unset: the pod's own service account, in-cluster), and the
  // responder (write) credentials for incident containment, kept apart from the read ones.
  BUILDKITE_API_TOKEN: z.string().trim().min(1, { message: "must be a Buildkite API access token with read_organizations, read_pipelines, read_builds, read_clusters, read_agents" }).optional(),
  BUILDKITE_RESPONDER_TOKEN: z.string().trim().min(1, { message: "must be a Buildkite API access token with write_pipelines, write_builds, write_clusters (for containment)" }).optional(),
  BUILDKITE_API_URL: optionalUrl("https://api.buildkite.com (for the simulator http://127.0.0.1:PORT)"),
  KUBECONFIG: z.string().trim().min(1, { message: "must be the path of a kubeconfig file" }).optional(),
  KUBE_RESPONDER_KUBECONFIG: z.string().trim().min(1, { message: "must be the path of the responder's kubeconfig file (bound to Gatehouse's responder ClusterRole)" }).optional(),
  SYNC_INTERVAL_MINUTES: z.coerce.number({ message: "must be a number of minutes (0 turns scheduled syncs off)" }).int().min(0).default(60),
  /** How often the exception-expiry job runs: findings regress within this many minutes of an exception's expiry. */
  EXCEPTION_EXPIRY_MINUTES: z.coerce.number({ message: "must be a number of minutes from 1 to 60" }).int().min(1, { message: "must be at least 1 minute" }).max(60, { message: "must be at most 60 minutes" }).default(5),
  TRUSTED_PROXY_COUNT: z.coerce
    .number({ message: "must be the number of reverse proxies in front of Gatehouse that append to X-Forwarded-For (0 when there is none)" })
    .int({ message: "must be a whole number of proxies (0 when there is none)" })
    .min(0, { message: "must be 0 or more" })
    .max(10, { message: "must be at most 10: count the proxies that append to X-Forwarded-For" })
    .default(0),
  // Unset: "process" on PostgreSQL, "inline" on the embedded database (jobsModeOf).
  JOBS_MODE: z
    .enum(["process", "inline", "worker"], {
      message: "must be process (the web server runs background jobs in a child process), inline (in its own process) or worker (only `npm run worker` processes do)",
    })
    .optional(),
});

export type Env = z.infer<typeof EnvSchema>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

type Source = Record<string, string | undefined>;

/** Parses a raw environment; throws ConfigError with one sentence per problem. */
export function parseEnv(source: Source): Env {
  // Empty strings mean "unset": a blank line in a .env file must not count as a value.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const sentences = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? "environment");
      return issue.code === "invalid_type" && cleaned[name] === undefined
        ? `${name} is missing.`
        : `${name} ${issue.message}.`;
    });
    throw new ConfigError(`Configuration error: ${sentences.join(" ")}`);
  }
  const env = parsed.data;
  const problems: string[] = [];
  if (env.NODE_ENV === "production" && !env.AUTH_SECRET) {
    problems.push(
      "AUTH_SECRET is missing: set it to a random string of at least 32 characters (for example the output of `openssl rand -base64 32`).",
    );
  }
  if (env.NODE_ENV === "production") {
    for (const name of TLS_SETTINGS) {
      const url = env[name];
      if (url && isPlainHttpOffMachine(url)) {
        problems.push(
          `${name} must use https:// in production (${url} would carry sessions, tokens or sign-in answers in clear text): put the service behind TLS and write its https:// URL.`,
        );
      }
    }
  }
  const oidcParts = [env.AUTH_OIDC_ISSUER, env.AUTH_OIDC_CLIENT_ID, env.AUTH_OIDC_CLIENT_SECRET];
  if (oidcParts.some(Boolean) && !oidcParts.every(Boolean)) {
    problems.push(
      "AUTH_OIDC_ISSUER, AUTH_OIDC_CLIENT_ID and AUTH_OIDC_CLIENT_SECRET go together: set all three to sign in with an OpenID Connect provider, or none.",
    );
  }
  if (Boolean(env.AUTH_GITHUB_ID) !== Boolean(env.AUTH_GITHUB_SECRET)) {
    problems.push("AUTH_GITHUB_ID and AUTH_GITHUB_SECRET go together: set both to sign in with GitHub, or neither.");
  }
  if (env.NODE_ENV === "production" && !env.AUTH_OIDC_ISSUER && !env.AUTH_GITHUB_ID) {
    problems.push(
      "No sign-in provider is configured: set AUTH_OIDC_ISSUER, AUTH_OIDC_CLIENT_ID and AUTH_OIDC_CLIENT_SECRET, or AUTH_GITHUB_ID and AUTH_GITHUB_SECRET.",
    );
  }
  if (env.GITHUB_APP_ID && !env.GITHUB_APP_PRIVATE_KEY && !env.GITHUB_APP_PRIVATE_KEY_FILE) {
    problems.push("GITHUB_APP_ID is set but the App's private key is not: set GITHUB_APP_PRIVATE_KEY (PEM) or GITHUB_APP_PRIVATE_KEY_FILE (a path to the .pem file).");
  }
  if ((env.GITHUB_APP_PRIVATE_KEY || env.GITHUB_APP_PRIVATE_KEY_FILE) && !env.GITHUB_APP_ID) {
    problems.push("A GitHub App private key is set but GITHUB_APP_ID is not: set it to the App ID from the App's settings page.");
  }
  if (env.GITHUB_RESPONDER_APP_ID && !env.GITHUB_RESPONDER_APP_PRIVATE_KEY && !env.GITHUB_RESPONDER_APP_PRIVATE_KEY_FILE) {
    problems.push(
      "GITHUB_RESPONDER_APP_ID is set but the responder App's private key is not: set GITHUB_RESPONDER_APP_PRIVATE_KEY (PEM) or GITHUB_RESPONDER_APP_PRIVATE_KEY_FILE (a path to the .pem file).",
    );
  }
  if ((env.GITHUB_RESPONDER_APP_PRIVATE_KEY || env.GITHUB_RESPONDER_APP_PRIVATE_KEY_FILE) && !env.GITHUB_RESPONDER_APP_ID) {
    problems.push("A responder App private key is set but GITHUB_RESPONDER_APP_ID is not: set it to the App ID from the responder App's settings page.");
  }
  if (env.GITHUB_RESPONDER_APP_ID && env.GITHUB_RESPONDER_APP_ID === env.GITHUB_APP_ID) {
    problems.push(
      "GITHUB_RESPONDER_APP_ID is the reader App's id (GITHUB_APP_ID): the responder must be a second GitHub App with the write permissions, so that the App that syncs never writes.",
    );
  }
  if (env.DATABASE_MIGRATION_URL && !env.DATABASE_URL) {
    problems.push("DATABASE_MIGRATION_URL is set but DATABASE_URL is not: set DATABASE_URL to the app role's URL (the owner's URL is only for `npm run db:migrate`).");
  }
  if ((env.JOBS_MODE === "process" || env.JOBS_MODE === "worker") && !env.DATABASE_URL) {
    problems.push(
      `JOBS_MODE=${env.JOBS_MODE} needs DATABASE_URL: the embedded database serves one process only, so without PostgreSQL the web server runs background jobs itself (leave JOBS_MODE unset, or set it to inline).`,
    );
  }
  if (problems.length > 0) throw new ConfigError(`Configuration error: ${problems.join(" ")}`);
  return env;
}

export type JobsMode = "process" | "inline" | "worker";

/**
 * Where background jobs (syncs, webhooks, the schedule) run. On PostgreSQL, by default, in a
 * child process of the web server (`lib/jobs/job-process.ts`): a sync's fetching, parsing and
 * writing never share an event loop with the pages and /api/health, and a sync that crashes
 * does not take the web server down. The embedded database belongs to one process, so with it
 * the web server runs them in its own.
 */
export function jobsModeOf(env: Env): JobsMode {
  return env.JOBS_MODE ?? (env.DATABASE_URL ? "process" : "inline");
}

/**
 * The secret that signs Auth.js cookies and tokens. There is no fallback, in any mode: a fixed
 * development secret would let anyone who read this code forge a session on a server started
 * without one. `npm run demo` and the browser tests (scripts/lib/stack.ts) make a random one.
 */
export function authSecretOf(env: Env): string {
  if (env.AUTH_SECRET) return env.AUTH_SECRET;
  throw new ConfigError(
    "Configuration error: AUTH_SECRET is missing: set it to a random string of at least 32 characters (for example `export AUTH_SECRET=$(openssl rand -base64 32)` before `next dev`); `npm run demo` and the browser tests make one for each run themselves.",
  );
}

let cached: Env | undefined;

/** The parsed environment of this process (parsed on first call, then cached). */
export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
