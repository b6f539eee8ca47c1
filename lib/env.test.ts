import { describe, expect, it } from "vitest";
import { ConfigError, jobsModeOf, parseEnv } from "./env";

const PROD_OIDC = {
  NODE_ENV: "production",
  AUTH_SECRET: "x".repeat(40),
  AUTH_OIDC_ISSUER: "https://login.example.com",
  AUTH_OIDC_CLIENT_ID: "gatehouse",
  AUTH_OIDC_CLIENT_SECRET: "s3cret",
};

const messageOf = (source: Record<string, string>) => {
  try {
    parseEnv(source);
    return null;
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
};

describe("parseEnv", () => {
  it("accepts a complete production configuration and applies defaults", () => {
    const env = parseEnv(PROD_OIDC);
    expect(env.DATA_DIR).toBe(".data");
    expect(env.AUTH_OIDC_NAME).toBe("Single sign-on");
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it("a missing AUTH_SECRET in production names the setting and what to put in it", () => {
    const { AUTH_SECRET: _omit, ...rest } = PROD_OIDC;
    expect(messageOf(rest)).toBe(
      "Configuration error: AUTH_SECRET is missing: set it to a random string of at least 32 characters (for example the output of `openssl rand -base64 32`).",
    );
  });

  it("a malformed DATABASE_URL names the setting", () => {
    expect(messageOf({ ...PROD_OIDC, DATABASE_URL: "mysql://db/gatehouse" })).toMatch(
      /^Configuration error: DATABASE_URL must be a PostgreSQL connection URL such as postgres:\/\/user:password@host:5432\/gatehouse/,
    );
  });

  it("a short AUTH_SECRET is refused", () => {
    expect(messageOf({ ...PROD_OIDC, AUTH_SECRET: "short" })).toMatch(/AUTH_SECRET must be a random string of at least 32 characters/);
  });

  it("half an OIDC configuration is refused", () => {
    expect(messageOf({ ...PROD_OIDC, AUTH_OIDC_CLIENT_SECRET: "" })).toMatch(/AUTH_OIDC_ISSUER, AUTH_OIDC_CLIENT_ID and AUTH_OIDC_CLIENT_SECRET go together/);
  });

  it("production without any sign-in provider is refused", () => {
    expect(messageOf({ NODE_ENV: "production", AUTH_SECRET: "x".repeat(40) })).toMatch(/No sign-in provider is configured/);
  });

  it("development needs nothing", () => {
    expect(parseEnv({}).NODE_ENV).toBe("development");
  });

  it("parses group → role mappings and bootstrap admins", () => {
    const env = parseEnv({ ...PROD_OIDC, AUTH_GROUP_ROLES: "platform=acme:admin, oncall=ACME:Responder", BOOTSTRAP_ADMIN_EMAILS: "Ops@Example.com, b@example.com" });
    expect(env.AUTH_GROUP_ROLES).toEqual([
      { group: "platform", orgSlug: "acme", role: "admin" },
      { group: "oncall", orgSlug: "acme", role: "responder" },
    ]);
    expect(env.BOOTSTRAP_ADMIN_EMAILS).toEqual(["ops@example.com", "b@example.com"]);
  });

  it("a malformed group mapping says the expected form", () => {
    expect(messageOf({ ...PROD_OIDC, AUTH_GROUP_ROLES: "platform:admin" })).toMatch(/AUTH_GROUP_ROLES "platform:admin" is not of the form group=org-slug:role/);
  });

  it("AUTH_OIDC_TRUST_EMAIL is off unless set to true, and a malformed value says what to put in it", () => {
    expect(parseEnv(PROD_OIDC).AUTH_OIDC_TRUST_EMAIL).toBe(false);
    expect(parseEnv({ ...PROD_OIDC, AUTH_OIDC_TRUST_EMAIL: "true" }).AUTH_OIDC_TRUST_EMAIL).toBe(true);
    expect(parseEnv({ ...PROD_OIDC, AUTH_OIDC_TRUST_EMAIL: " TRUE " }).AUTH_OIDC_TRUST_EMAIL).toBe(true);
    expect(parseEnv({ ...PROD_OIDC, AUTH_OIDC_TRUST_EMAIL: "false" }).AUTH_OIDC_TRUST_EMAIL).toBe(false);
    expect(messageOf({ ...PROD_OIDC, AUTH_OIDC_TRUST_EMAIL: "maybe" })).toBe(
      "Configuration error: AUTH_OIDC_TRUST_EMAIL must be true or false: true trusts the email address of an OpenID provider that sends no email_verified claim (only for a provider that issues verified addresses only); false (the default) refuses such a sign-in.",
    );
  });

  it("TRUSTED_PROXY_COUNT defaults to no proxy and must be a small whole number", () => {
    expect(parseEnv({}).TRUSTED_PROXY_COUNT).toBe(0);
    expect(parseEnv({ TRUSTED_PROXY_COUNT: "2" }).TRUSTED_PROXY_COUNT).toBe(2);
    expect(messageOf({ TRUSTED_PROXY_COUNT: "one" })).toMatch(/TRUSTED_PROXY_COUNT must be the number of reverse proxies/);
    expect(messageOf({ TRUSTED_PROXY_COUNT: "1.5" })).toMatch(/TRUSTED_PROXY_COUNT must be a whole number/);
    expect(messageOf({ TRUSTED_PROXY_COUNT: "-1" })).toMatch(/TRUSTED_PROXY_COUNT must be 0 or more/);
  });
});

describe("plain http:// in production", () => {
  const SETTINGS = [
    ["AUTH_URL", "http://gatehouse.example.com"],
    ["AUTH_OIDC_ISSUER", "http://login.example.com"],
    ["GITHUB_API_URL", "http://ghe.example.com/api/v3"],
    ["AUTH_GITHUB_ENTERPRISE_URL", "http://ghe.example.com"],
  ] as const;

  for (const [name, url] of SETTINGS) {
    it(`${name}=${url} is refused in production, naming the setting and asking for https`, () => {
      expect(messageOf({ ...PROD_OIDC, [name]: url })).toContain(
        `${name} must use https:// in production (${url} would carry sessions, tokens or sign-in answers in clear text): put the service behind TLS and write its https:// URL.`,
      );
    });

    it(`${name} on http:// is accepted outside production`, () => {
      const { NODE_ENV: _dev, AUTH_SECRET: _secret, ...oidc } = PROD_OIDC;
      expect(() => parseEnv({ ...oidc, [name]: url })).not.toThrow();
    });
  }

  it("every http:// setting is named at once", () => {
    const message = messageOf({ ...PROD_OIDC, AUTH_URL: "http://a.example.com", GITHUB_API_URL: "http://b.example.com" });
    expect(message).toContain("AUTH_URL must use https://");
    expect(message).toContain("GITHUB_API_URL must use https://");
  });

  it("localhost, 127.0.0.1 and ::1 stay allowed on http:// (a proxy or simulator on the same machine)", () => {
    for (const host of ["localhost:3000", "127.0.0.1:3001", "[::1]:3002", "LOCALHOST"]) {
      expect(() => parseEnv({ ...PROD_OIDC, AUTH_URL: `http://${host}`, AUTH_OIDC_ISSUER: `http://${host}/`, GITHUB_API_URL: `http://${host}` })).not.toThrow();
    }
  });

  it("a host that only starts with localhost is not localhost", () => {
    expect(messageOf({ ...PROD_OIDC, AUTH_URL: "http://localhost.evil.example" })).toContain("AUTH_URL must use https://");
    expect(messageOf({ ...PROD_OIDC, GITHUB_API_URL: "http://127.0.0.1.nip.io" })).toContain("GITHUB_API_URL must use https://");
  });

  it("schemes other than http and https are refused everywhere", () => {
    expect(messageOf({ AUTH_URL: "ftp://gatehouse.example.com" })).toContain("AUTH_URL must be an http(s) URL");
  });

  it("https:// is accepted in production", () => {
    expect(() => parseEnv({ ...PROD_OIDC, AUTH_URL: "https://gatehouse.example.com", GITHUB_API_URL: "https://ghe.example.com/api/v3", AUTH_GITHUB_ENTERPRISE_URL: "https://ghe.example.com" })).not.toThrow();
  });

  it("the responder App: id and key go together, newlines in the key may be \\n, and it must not be the reader App", () => {
    const key = "-----BEGIN PRIVATE KEY-----\\nMIIB\\n-----END PRIVATE KEY-----";
    const env = parseEnv({ GITHUB_APP_ID: "11", GITHUB_APP_PRIVATE_KEY_FILE: "/keys/reader.pem", GITHUB_RESPONDER_APP_ID: "12", GITHUB_RESPONDER_APP_PRIVATE_KEY: key });
    expect(env.GITHUB_RESPONDER_APP_ID).toBe(12);
    expect(env.GITHUB_RESPONDER_APP_PRIVATE_KEY).toBe("-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----");
    expect(parseEnv({ GITHUB_RESPONDER_APP_ID: "12", GITHUB_RESPONDER_APP_PRIVATE_KEY_FILE: "/keys/responder.pem" }).GITHUB_RESPONDER_APP_PRIVATE_KEY_FILE).toBe("/keys/responder.pem");
    expect(messageOf({ GITHUB_RESPONDER_APP_ID: "12" })).toBe(
      "Configuration error: GITHUB_RESPONDER_APP_ID is set but the responder App's private key is not: set GITHUB_RESPONDER_APP_PRIVATE_KEY (PEM) or GITHUB_RESPONDER_APP_PRIVATE_KEY_FILE (a path to the .pem file).",
    );
    expect(messageOf({ GITHUB_RESPONDER_APP_PRIVATE_KEY_FILE: "/keys/responder.pem" })).toContain("GITHUB_RESPONDER_APP_ID is not: set it to the App ID");
    expect(messageOf({ GITHUB_RESPONDER_APP_ID: "twelve", GITHUB_RESPONDER_APP_PRIVATE_KEY: key })).toContain(
      "GITHUB_RESPONDER_APP_ID must be the numeric App ID shown on the responder GitHub App's settings page",
    );
    expect(messageOf({ GITHUB_RESPONDER_APP_ID: "12", GITHUB_RESPONDER_APP_PRIVATE_KEY: "not a key" })).toContain("GITHUB_RESPONDER_APP_PRIVATE_KEY must be the App's private key in PEM form");
    expect(
      messageOf({ GITHUB_APP_ID: "11", GITHUB_APP_PRIVATE_KEY: key, GITHUB_RESPONDER_APP_ID: "11", GITHUB_RESPONDER_APP_PRIVATE_KEY: key }),
    ).toContain("GITHUB_RESPONDER_APP_ID is the reader App's id (GITHUB_APP_ID): the responder must be a second GitHub App");
  });

  it("background jobs run in a child process on PostgreSQL, in the web server on the embedded database, and a mode that needs PostgreSQL says so", () => {
    const pg = { ...PROD_OIDC, DATABASE_URL: "postgres://gatehouse@db.internal/gatehouse" };
    expect(jobsModeOf(parseEnv(pg))).toBe("process");
    expect(jobsModeOf(parseEnv(PROD_OIDC))).toBe("inline");
    expect(jobsModeOf(parseEnv({ ...pg, JOBS_MODE: "inline" }))).toBe("inline");
    expect(jobsModeOf(parseEnv({ ...pg, JOBS_MODE: "worker" }))).toBe("worker");
    for (const mode of ["process", "worker"]) {
      expect(messageOf({ ...PROD_OIDC, JOBS_MODE: mode })).toContain(`JOBS_MODE=${mode} needs DATABASE_URL: the embedded database serves one process only`);
    }
    expect(messageOf({ ...pg, JOBS_MODE: "child" })).toContain("JOBS_MODE must be process (the web server runs background jobs in a child process), inline");
  });
});
