"use server";

import { signOut } from "@/lib/auth/auth";

/** Ends the database session (the row is deleted) and returns to the sign-in page. */
export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/signin?signedOut=1" });
}
