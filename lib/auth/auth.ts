import "server-only";
import NextAuth from "next-auth";
import type { Adapter } from "next-auth/adapters";
import { DrizzleAdapter } from "@auth/drizzle-adapter";
import { authSecretOf, getEnv } from "@/lib/env";
import { getDatabase } from "@/lib/db";
import { accounts, sessions, users, verificationTokens } from "@/lib/db/schema";
import { buildProviders } from "./providers";
import { applySignInMemberships } from "./sign-in-memberships";

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
      signIn({ user, profile }) {
        // No email → no way to find a membership. An IdP that says the email is unverified is not trusted with it.
        if (!user.email) return "/signin?error=NoEmail";
        if (profile && profile.email_verified === false) return "/signin?error=EmailUnverified";
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
