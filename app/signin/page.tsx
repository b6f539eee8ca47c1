import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getEnv } from "@/lib/env";
import { providerInfo } from "@/lib/auth/providers";
import { currentUser } from "@/lib/auth/current-user";
import { signIn } from "@/lib/auth/auth";
import { safeCallback } from "@/lib/auth/safe-callback";
import { requestOrigin } from "@/lib/auth/request-origin";
import { Alert } from "@/components/ui/alert";

export const metadata: Metadata = { title: "Sign in" };

const ERRORS: Record<string, string> = {
  NoEmail: "Your identity provider did not share an email address. Gatehouse needs one to find your memberships.",
  EmailUnverified: "Your identity provider says your email address is not verified. Verify it there, then sign in again.",
  EmailVerificationUnknown:
    "Your identity provider did not say whether your email address is verified, so Gatehouse cannot trust it with your memberships. An operator who knows this provider issues only verified addresses can set AUTH_OIDC_TRUST_EMAIL=true.",
  GitHubEmailUnverified:
    "GitHub lists no verified email address on your account. Verify one in GitHub (Settings → Emails), then sign in again.",
  GitHubEmailsUnreadable:
    "Gatehouse could not read your email addresses from GitHub. Sign in again and allow access to them; if it keeps failing, an operator should check the server log.",
  OAuthAccountNotLinked: "This email is already linked to another sign-in method. Use the one you used before.",
  AccessDenied: "Sign-in was refused.",
  Configuration: "Sign-in is misconfigured on this server. An operator should check the AUTH_* settings and the server log.",
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const sp = await searchParams;
  const callbackUrl = safeCallback(sp.callbackUrl, await requestOrigin());
  if (await currentUser()) redirect(callbackUrl);
  const providers = providerInfo(getEnv());
  const error = sp.error ? (ERRORS[sp.error] ?? "Sign-in failed. Try again, and ask an operator to check the server log if it keeps failing.") : null;
  return (
    <main className="grid min-h-screen place-items-center px-4">
      <div className="w-full max-w-md rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <h1 className="text-2xl font-semibold tracking-tight">Sign in to Gatehouse</h1>
        <p className="mt-2 text-sm text-slate-600">
          What can a compromised CI workflow deploy, publish, read or leak — and who rotates what?
        </p>
        <div className="mt-6 space-y-3">
          {sp.signedOut ? <Alert tone="info">You are signed out.</Alert> : null}
          {error ? <Alert>{error}</Alert> : null}
          {providers.length === 0 ? (
            <Alert>
              No sign-in provider is configured. Set AUTH_OIDC_ISSUER, AUTH_OIDC_CLIENT_ID and AUTH_OIDC_CLIENT_SECRET, or
              AUTH_GITHUB_ID and AUTH_GITHUB_SECRET, and restart.
            </Alert>
          ) : null}
          {providers.map((p) => (
            <form
              key={p.id}
              action={async () => {
                "use server";
                await signIn(p.id, { redirectTo: callbackUrl });
              }}
            >
              <button type="submit" className="w-full rounded-md bg-blue-800 px-4 py-2 font-medium text-white hover:bg-blue-900">
                Continue with {p.name}
              </button>
            </form>
          ))}
        </div>
      </div>
    </main>
  );
}
