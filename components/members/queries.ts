import type { MemberDto } from "@/lib/members/members-dto";
import type { Result } from "@/lib/http/errors";

/** Query keys start with the org so switching org can never show another tenant's cache. */
export const memberKeys = {
  list: (orgSlug: string) => ["org", orgSlug, "members"] as const,
};

export async function fetchMembers(orgSlug: string): Promise<MemberDto[]> {
  const res = await fetch(`/api/v1/orgs/${encodeURIComponent(orgSlug)}/members`, { cache: "no-store" });
  const body = (await res.json()) as Result<MemberDto[]>;
  if (!body.ok) throw new Error(body.error.message);
  return body.data;
}
