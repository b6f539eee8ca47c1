import "server-only";
import NextAuth from "next-auth";
import type { Adapter } from "next-auth/adapters";
import { DrizzleAdapter } from "@auth/drizzle-adapter";
import { authSecretOf, getEnv } from "@/lib/env";
import { getDatabase } from "@/lib/db";
import { accounts, sessions, users, verificationTokens } from "@/lib/db/schema";
import { logger } from "@/lib/logger";
import { buildProviders, trustsUnstatedEmail } from "./providers";
import { refuseSignInEmail } from "./email-trust";
import { applySignInMemberships } from "./sign-in-memberships";
import { safeCallback } from "./safe-callback";

/**
 * Auth.js, configured lazily per request so `next build` never opens the database.
 * Sessions are database rows; the session proves identity only — roles are read from
 * our membership table on every request.
 */
export const { handlers, signIn, signOut } = NextAuth(async () => {
  const env = getEnv();
  const { db } = await getDatabase();
  const base = DrizzleAdapter(db, {
    usersTable: users,
    accountsTable: accounts,
    sessionsTable: sessions,
    verificationTokensTable: verificationTokens,
  });
  // Emails are compared lower-cased everywhere (memberships are keyed by email).
  const adapter: Adapter = {
    ...base,
    createUser: (u) => base.createUser!({ ...u, email: u.email.toLowerCase() }),
    getUserByEmail: (email) => base.getUserByEmail!(email.toLowerCase()),
  };
  return {
    adapter,
    // No fallback secret in any mode: the server does not start without one (lib/server-start.ts).
    secret: authSecretOf(env),
    trustHost: env.AUTH_TRUST_HOST ?? Boolean(env.AUTH_URL),
    session: { strategy: "database", maxAge: 8 * 60 * 60, updateAge: 15 * 60 },
    providers: buildProviders(env),
    pages: { signIn: "/signin", error: "/signin" },
    callbacks: {
      // After sign-in and sign-out: only a path on this site (the same check as the sign-in page).
      redirect: ({ url, baseUrl }) => `${baseUrl}${safeCallback(url, baseUrl)}`,
      signIn({ user, account, profile }) {
        // Roles follow the email: refuse one the provider does not vouch for (email-trust.ts).
        const providerId = account?.provider ?? "";
        const refusal = refuseSignInEmail({
          providerId,
          email: user.email,
          profile: profile as Record<string, unknown> | undefined,
          trustUnstated: trustsUnstatedEmail(env, providerId),
        });
        if (refusal) {
          logger.warn("sign-in refused: the provider does not vouch for the email address", { provider: providerId, reason: refusal });
          return `/signin?error=${refusal}`;
        }
        return true;
      },
    },
    events: {
      async signIn({ user, profile }) {
        if (!user.email || !user.id) return;
        const claim = profile?.[env.AUTH_OIDC_GROUPS_CLAIM];
        const groups = Array.isArray(claim) ? claim.filter((g): g is string => typeof g === "string") : [];
        await applySignInMemberships(db, { id: user.id, email: user.email, name: user.name ?? null }, groups, {
          bootstrapAdmins: env.BOOTSTRAP_ADMIN_EMAILS ?? [],
          groupRoles: env.AUTH_GROUP_ROLES ?? [],
        });
      },
    },
  };
});
