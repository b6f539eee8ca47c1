import { describe, expect, it } from "vitest";
import { emailVerifiedClaim, refuseSignInEmail } from "./email-trust";

const oidc = (profile: Record<string, unknown> | undefined, trustUnstated = false, email: string | null = "a@example.test") =>
  refuseSignInEmail({ providerId: "oidc", email, profile, trustUnstated });

describe("refuseSignInEmail", () => {
  it("OpenID Connect: email_verified true signs in, false is refused whatever the setting", () => {
    expect(oidc({ email_verified: true })).toBeNull();
    expect(oidc({ email_verified: false })).toBe("EmailUnverified");
    expect(oidc({ email_verified: false }, true)).toBe("EmailUnverified");
  });

  it("OpenID Connect: no claim is refused unless the operator trusts this provider's addresses", () => {
    expect(oidc({})).toBe("EmailVerificationUnknown");
    expect(oidc(undefined)).toBe("EmailVerificationUnknown");
    expect(oidc({ email_verified: null })).toBe("EmailVerificationUnknown");
    expect(oidc({ email_verified: "yes" })).toBe("EmailVerificationUnknown");
    expect(oidc({}, true)).toBeNull();
  });

  it("OpenID Connect: the string forms some providers send count as the claim", () => {
    expect(oidc({ email_verified: "true" })).toBeNull();
    expect(oidc({ email_verified: "false" }, true)).toBe("EmailUnverified");
  });

  it("no email at all is refused first", () => {
    expect(oidc({ email_verified: true }, true, null)).toBe("NoEmail");
  });

  it("GitHub: only an address /user/emails confirmed as verified; never trusted unstated", () => {
    const gh = (profile: Record<string, unknown>, email: string | null = "a@example.test") =>
      refuseSignInEmail({ providerId: "github", email, profile, trustUnstated: true });
    expect(gh({ email_verified: true })).toBeNull();
    expect(gh({ email_verified: false }, null)).toBe("GitHubEmailUnverified");
    expect(gh({})).toBe("GitHubEmailUnverified");
    expect(gh({ email_verified: true }, null)).toBe("GitHubEmailUnverified");
    expect(gh({ email_verified: false, emails_unreadable: true }, null)).toBe("GitHubEmailsUnreadable");
  });

  it("emailVerifiedClaim reads booleans and their string forms only", () => {
    expect([true, "true", false, "false", 1, "1", undefined].map((v) => emailVerifiedClaim({ email_verified: v }))).toEqual([
      true,
      true,
      false,
      false,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
