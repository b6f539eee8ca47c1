import http from "node:http";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import Provider from "oidc-provider";
import { DEMO_PASSWORD, DEMO_USERS, type DevUser } from "./demo-users";
import { renderLoginPage } from "./login-page";

export interface DevOidcClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
}

export interface DevOidcOptions {
  /** Issuer URL, exactly as the relying party is configured with it (no trailing slash). */
  issuer: string;
  port: number;
  host?: string;
  clients: DevOidcClient[];
  users?: readonly DevUser[];
  password?: string;
}

export interface DevOidcServer {
  issuer: string;
  close(): Promise<void>;
}

/**
 * A real OpenID Provider (oidc-provider) for the demo and the browser tests: the app signs
 * in through the same authorization-code + PKCE flow it uses against Okta or Entra ID.
 * Only the login form is ours; it knows the demo users and one shared password.
 */
export async function startDevOidcProvider(opts: DevOidcOptions): Promise<DevOidcServer> {
  const users = opts.users ?? DEMO_USERS;
  const password = opts.password ?? DEMO_PASSWORD;
  const byEmail = new Map(users.map((u) => [u.email, u]));
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });

  const provider = new Provider(opts.issuer, {
    clients: opts.clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      client_name: "Gatehouse",
      redirect_uris: c.redirectUris,
      post_logout_redirect_uris: c.postLogoutRedirectUris ?? [],
      grant_types: ["authorization_code"],
      response_types: ["code"],
    })),
    jwks: { keys: [{ ...privateKey.export({ format: "jwk" }), kid: "dev", use: "sig", alg: "RS256" }] },
    cookies: { keys: [randomBytes(32).toString("hex")] },
    pkce: { required: () => true },
    // Put email, name and groups into the ID token, which is what Auth.js reads.
    conformIdTokenClaims: false,
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"], groups: ["groups"] },
    scopes: ["openid", "email", "profile", "groups"],
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, id) {
      const user = byEmail.get(id);
      if (!user) return undefined;
      return {
        accountId: id,
        claims: async () => ({
          sub: id,
          email: user.email,
          ...(user.emailVerified === undefined ? {} : { email_verified: user.emailVerified }),
          name: user.name,
          groups: user.groups,
        }),
      };
    },
  });
  provider.proxy = false;
  const callback = provider.callback();

  const server = http.createServer((req, res) => {
    const m = /^\/interaction\/([\w-]+)(\/login)?$/.exec(req.url ?? "");
    if (!m) {
      callback(req, res);
      return;
    }
    handleInteraction(provider, req, res, m[1]!, Boolean(m[2]), byEmail, password, users).catch((err: unknown) => {
      res.statusCode = 500;
      res.setHeader("content-type", "text/plain; charset=utf-8");
      res.end(`The dev identity provider failed: ${err instanceof Error ? err.message : String(err)}. Start the sign-in again from Gatehouse.`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host ?? "127.0.0.1", () => resolve());
  });
  return {
    issuer: opts.issuer,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handleInteraction(
  provider: Provider,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  uid: string,
  isSubmit: boolean,
  byEmail: Map<string, DevUser>,
  password: string,
  users: readonly DevUser[],
) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error("this sign-in page has expired");
  const client = await provider.Client.find(String(details.params.client_id));
  const page = (error?: string) => {
    res.statusCode = error ? 401 : 200;
    res.setHeader("content-type", "text/html; charset=utf-8");
    res.end(renderLoginPage({ uid, clientName: client?.clientName ?? "Gatehouse", users, error }));
  };
  if (!isSubmit || req.method !== "POST") return page();

  const form = new URLSearchParams(await readBody(req));
  const email = (form.get("email") ?? "").trim().toLowerCase();
  if (!byEmail.has(email) || form.get("password") !== password) {
    return page("Unknown email or wrong password.");
  }
  // Consent is implied for the dev IdP: grant the requested scopes in the same step.
  const grant = new provider.Grant({ accountId: email, clientId: String(details.params.client_id) });
  grant.addOIDCScope(String(details.params.scope ?? "openid"));
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { login: { accountId: email }, consent: { grantId } }, { mergeWithLastSubmission: false });
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
      if (body.length > 10_000) reject(new Error("request body too large"));
    });
    req.on("end", () => resolve(body));
    req.on("error", reject);
  });
}
