/**
 * The development IdP's users. Their password is DEMO_PASSWORD; the `groups` claim lets
 * AUTH_GROUP_ROLES mapping be tried against a real IdP response.
 */
export interface DevUser {
  email: string;
  name: string;
  groups: string[];
  /**
   * The `email_verified` claim: true or false is sent as is; undefined leaves the claim out,
   * as some providers do (so the relying party cannot know).
   */
  emailVerified?: boolean;
}

export const DEMO_PASSWORD = "gatehouse-demo";

export const DEMO_USERS: readonly DevUser[] = [
  { email: "admin@acme.test", name: "Ada Admin", groups: ["acme-platform-admins"], emailVerified: true },
  { email: "responder@acme.test", name: "Rui Responder", groups: ["acme-oncall"], emailVerified: true },
  { email: "viewer@acme.test", name: "Vera Viewer", groups: ["acme-engineering"], emailVerified: true },
];
