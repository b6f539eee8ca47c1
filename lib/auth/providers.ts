import type { Provider } from "next-auth/providers";
import GitHub from "next-auth/providers/github";
import type { Env } from "@/lib/env";
import { fetchGithubProfile, githubApiBase, type GithubSignInProfile } from "./github-profile";

export interface ProviderInfo {
  id: string;
  name: string;
}

/**
 * Sign-in providers switched on by configuration: any OpenID Connect provider by issuer
 * (Okta, Entra ID, Cognito, Google, Keycloak, the bundled dev IdP) and GitHub or GitHub
 * Enterprise Server.
 */
export function buildProviders(env: Env): Provider[] {
  const providers: Provider[] = [];
  if (env.AUTH_OIDC_ISSUER && env.AUTH_OIDC_CLIENT_ID && env.AUTH_OIDC_CLIENT_SECRET) {
    providers.push({
      id: "oidc",
      name: env.AUTH_OIDC_NAME,
      type: "oidc",
      issuer: env.AUTH_OIDC_ISSUER,
      clientId: env.AUTH_OIDC_CLIENT_ID,
      clientSecret: env.AUTH_OIDC_CLIENT_SECRET,
      checks: ["pkce", "state", "nonce"],
      authorization: { params: { scope: "openid email profile groups" } },
      profile(profile) {
        return {
          id: String(profile.sub),
          name: (profile.name as string | undefined) ?? (profile.preferred_username as string | undefined) ?? null,
          email: typeof profile.email === "string" ? profile.email.toLowerCase() : null,
          image: (profile.picture as string | undefined) ?? null,
        };
      },
    });
  }
  if (env.AUTH_GITHUB_ID && env.AUTH_GITHUB_SECRET) {
    const api = githubApiBase(env.AUTH_GITHUB_ENTERPRISE_URL);
    providers.push(
      GitHub({
        clientId: env.AUTH_GITHUB_ID,
        clientSecret: env.AUTH_GITHUB_SECRET,
        ...(env.AUTH_GITHUB_ENTERPRISE_URL ? { enterprise: { baseUrl: env.AUTH_GITHUB_ENTERPRISE_URL } } : {}),
        checks: ["pkce", "state"],
        // Replaces Auth.js's: the email must be one /user/emails lists as verified (see github-profile.ts).
        userinfo: { url: `${api}/user`, request: ({ tokens }: { tokens: { access_token?: string } }) => fetchGithubProfile(api, tokens.access_token) },
        profile(profile) {
          const p = profile as GithubSignInProfile;
          return { id: String(p.id), name: p.name ?? p.login, email: p.email, image: p.avatar_url };
        },
      }),
    );
  }
  return providers;
}

/**
 * Per provider: may an address that comes with no verification claim be trusted? Only by
 * the operator's explicit say-so (AUTH_OIDC_TRUST_EMAIL). GitHub always states it.
 */
export function trustsUnstatedEmail(env: Env, providerId: string): boolean {
  return providerId === "oidc" ? env.AUTH_OIDC_TRUST_EMAIL : false;
}

export function providerInfo(env: Env): ProviderInfo[] {
  const out: ProviderInfo[] = [];
  if (env.AUTH_OIDC_ISSUER) out.push({ id: "oidc", name: env.AUTH_OIDC_NAME });
  if (env.AUTH_GITHUB_ID) out.push({ id: "github", name: env.AUTH_GITHUB_ENTERPRISE_URL ? "GitHub Enterprise" : "GitHub" });
  return out;
}
