/**
 * Whether a sign-in may use the email address the provider gave. Memberships (and so roles)
 * are keyed by email, so an address is taken only when the provider vouches for it:
 * - a provider that states verification (email_verified, or GitHub's /user/emails) must say
 *   true — false is refused;
 * - a provider that says nothing is trusted only where the operator said so for that
 *   provider (`trustUnstated`: AUTH_OIDC_TRUST_EMAIL for the OpenID Connect provider);
 * - GitHub always states it (lib/auth/github-profile.ts), so it is never trusted unstated.
 * Pure: the sign-in callback in auth.ts turns a refusal into a redirect to /signin?error=….
 */

export type SignInRefusal = "NoEmail" | "EmailUnverified" | "EmailVerificationUnknown" | "GitHubEmailUnverified" | "GitHubEmailsUnreadable";

/**
 * The email_verified claim as providers send it: a boolean, or the strings "true"/"false"
 * (AWS Cognito's user-info endpoint, some Keycloak mappers). Anything else is no claim.
 */
export function emailVerifiedClaim(profile: Record<string, unknown> | null | undefined): boolean | undefined {
  const v = profile?.email_verified;
  if (v === true || v === "true") return true;
  if (v === false || v === "false") return false;
  return undefined;
}

export function refuseSignInEmail(input: {
  providerId: string;
  email: string | null | undefined;
  profile: Record<string, unknown> | null | undefined;
  /** The operator's per-provider setting: trust an address that comes with no verification claim. */
  trustUnstated: boolean;
}): SignInRefusal | null {
  const verified = emailVerifiedClaim(input.profile);
  if (input.providerId === "github") {
    if (input.profile?.emails_unreadable === true) return "GitHubEmailsUnreadable";
    return input.email && verified === true ? null : "GitHubEmailUnverified";
  }
  if (!input.email) return "NoEmail";
  if (verified === true) return null;
  if (verified === false) return "EmailUnverified";
  return input.trustUnstated ? null : "EmailVerificationUnknown";
}
