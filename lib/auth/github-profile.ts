import "server-only";
import { z } from "zod";
import type { GitHubProfile } from "next-auth/providers/github";
import { logger } from "@/lib/logger";

/**
 * What Gatehouse's GitHub sign-in hands to Auth.js: GET /user, with `email` replaced by an
 * address GET /user/emails lists as verified (or null) and `email_verified` saying which.
 * `emails_unreadable` is set when /user/emails could not be read (scope not granted, error).
 */
export type GithubSignInProfile = GitHubProfile & { email_verified: boolean; emails_unreadable?: true };

const EmailsSchema = z.array(z.object({ email: z.string(), primary: z.boolean(), verified: z.boolean() }));
export type GithubEmail = z.infer<typeof EmailsSchema>[number];

/**
 * The address to sign in with: the verified primary; else the public profile address if it
 * is verified; else the first verified one. The public profile address alone proves nothing
 * (GitHub does not promise it is verified), so it counts only when /user/emails confirms it.
 */
export function pickVerifiedEmail(publicEmail: string | null | undefined, emails: readonly GithubEmail[]): string | null {
  const verified = emails.filter((e) => e.verified);
  const chosen =
    verified.find((e) => e.primary) ??
    (publicEmail ? verified.find((e) => e.email.toLowerCase() === publicEmail.toLowerCase()) : undefined) ??
    verified[0];
  return chosen ? chosen.email.toLowerCase() : null;
}

/** The API base for GitHub.com or GitHub Enterprise Server (`<enterprise>/api/v3`), as Auth.js's provider uses. */
export function githubApiBase(enterpriseUrl: string | undefined): string {
  return enterpriseUrl ? `${enterpriseUrl.replace(/\/+$/, "")}/api/v3` : "https://api.github.com";
}

/**
 * Auth.js's GitHub `userinfo.request`, replaced: it always reads /user/emails (Auth.js only
 * does when /user has no email) and keeps only a verified address (Auth.js takes the
 * primary, verified or not).
 */
export async function fetchGithubProfile(apiBase: string, accessToken: string | undefined): Promise<GithubSignInProfile> {
  const headers = {
    authorization: `Bearer ${accessToken ?? ""}`,
    accept: "application/vnd.github+json",
    "x-github-api-version": "2022-11-28",
    "user-agent": "gatehouse",
  };
  const userRes = await fetch(`${apiBase}/user`, { headers });
  if (!userRes.ok) throw new Error(`GitHub answered HTTP ${userRes.status} to GET ${apiBase}/user during sign-in`);
  const user = (await userRes.json()) as GitHubProfile;

  const emailsRes = await fetch(`${apiBase}/user/emails?per_page=100`, { headers });
  const emails = emailsRes.ok ? EmailsSchema.safeParse(await emailsRes.json()) : null;
  if (!emails?.success) {
    logger.warn("GitHub sign-in refused: the user's email addresses could not be read", {
      login: user.login,
      status: emailsRes.status,
      acceptedScopes: emailsRes.headers.get("x-accepted-oauth-scopes"),
      grantedScopes: emailsRes.headers.get("x-oauth-scopes"),
    });
    return { ...user, email: null, email_verified: false, emails_unreadable: true };
  }
  const email = pickVerifiedEmail(user.email, emails.data);
  return { ...user, email, email_verified: email !== null };
}
