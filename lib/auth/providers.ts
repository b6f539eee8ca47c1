import type { Provider } from "next-auth/providers";
import GitHub from "next-auth/providers/github";
import type { Env } from "@/lib/env";

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
    providers.push(
      GitHub({
        clientId: env.AUTH_GITHUB_ID,
        clientSecret: env.AUTH_GITHUB_SECRET,
        ...(env.AUTH_GITHUB_ENTERPRISE_URL ? { enterprise: { baseUrl: env.AUTH_GITHUB_ENTERPRISE_URL } } : {}),
      }),
    );
  }
  return providers;
}

export function providerInfo(env: Env): ProviderInfo[] {
  const out: ProviderInfo[] = [];
  if (env.AUTH_OIDC_ISSUER) out.push({ id: "oidc", name: env.AUTH_OIDC_NAME });
  if (env.AUTH_GITHUB_ID) out.push({ id: "github", name: env.AUTH_GITHUB_ENTERPRISE_URL ? "GitHub Enterprise" : "GitHub" });
  return out;
}
