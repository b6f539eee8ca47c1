// Identities the browser tests sign in with besides the demo's three, one per way an email
// address can come with (or without) proof that it belongs to the person. The e2e server
// (scripts/e2e-server.ts) gives them to the dev IdP and the GitHub simulator and seeds each
// address as a viewer of acme, so a wrongly trusted address would show up as a role.
import type { DevUser } from "@/sim/oidc/demo-users";
import type { SimUserOptions } from "@/sim/github/users";

export const OIDC_UNVERIFIED: DevUser = { email: "unverified@acme.test", name: "Una Unverified", groups: [], emailVerified: false };
export const OIDC_UNSTATED: DevUser = { email: "unstated@acme.test", name: "Uli Unstated", groups: [] };

export const GITHUB_VERIFIED: SimUserOptions = {
  login: "octo-viewer",
  name: "Octo Viewer",
  emails: [{ email: "gh-viewer@acme.test", primary: true, verified: true }],
};
export const GITHUB_UNVERIFIED: SimUserOptions = {
  login: "octo-unverified",
  emails: [{ email: "gh-unverified@acme.test", primary: true, verified: false }],
};
/** Shows an address on its public profile that GitHub never verified; its verified primary is elsewhere. */
export const GITHUB_CLAIMS: SimUserOptions = {
  login: "octo-claims",
  publicEmail: "gh-claimed@acme.test",
  emails: [
    { email: "gh-claimed@acme.test", verified: false, visibility: "public" },
    { email: "octo-claims@example.test", primary: true, verified: true },
  ],
};

export const E2E_IDP_USERS: DevUser[] = [OIDC_UNVERIFIED, OIDC_UNSTATED];
export const E2E_GITHUB_USERS: SimUserOptions[] = [GITHUB_VERIFIED, GITHUB_UNVERIFIED, GITHUB_CLAIMS];
export const E2E_VIEWERS = [OIDC_UNVERIFIED.email, OIDC_UNSTATED.email, "gh-viewer@acme.test", "gh-unverified@acme.test", "gh-claimed@acme.test"];
