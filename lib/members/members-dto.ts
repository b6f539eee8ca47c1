import type { Role } from "@/lib/authz/roles";

/** A membership as the client sees it. */
export interface MemberDto {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  source: "manual" | "idp-group" | "bootstrap" | "seed";
  hasSignedIn: boolean;
  createdAt: string;
}

export function toMemberDto(row: {
  id: string;
  email: string;
  name: string | null;
  userId: string | null;
  role: Role;
  source: MemberDto["source"];
  createdAt: Date;
}): MemberDto {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    source: row.source,
    hasSignedIn: row.userId !== null,
    createdAt: row.createdAt.toISOString(),
  };
}
