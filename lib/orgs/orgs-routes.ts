import "server-only";
import type { UserReadRoute } from "@/lib/http/define-route";
import { listOrgsForUser, type OrgMembershipDto } from "./orgs-repo";

export const listMyOrgsRoute: UserReadRoute<OrgMembershipDto[]> = {
  kind: "user-read",
  run: ({ db, user }) => listOrgsForUser(db, user.email),
};
