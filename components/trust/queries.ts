import type { Result } from "@/lib/http/errors";
import type { TrustDetailDto, TrustSourceDto, TrustSummaryDto } from "@/lib/trust-sources/trust-sources-dto";

/** Query keys start with the org so switching org can never show another tenant's cache. */
export const trustKeys = {
  sources: (orgSlug: string) => ["org", orgSlug, "trust-sources"] as const,
  list: (orgSlug: string) => ["org", orgSlug, "trusts"] as const,
  detail: (orgSlug: string, trustId: string) => ["org", orgSlug, "trusts", trustId] as const,
};

async function get<T>(path: string): Promise<T> {
  const res = await fetch(path, { cache: "no-store" });
  const body = (await res.json()) as Result<T>;
  if (!body.ok) throw new Error(body.error.message);
  return body.data;
}

const base = (orgSlug: string) => `/api/v1/orgs/${encodeURIComponent(orgSlug)}`;
export const fetchTrustSources = (orgSlug: string) => get<TrustSourceDto[]>(`${base(orgSlug)}/trust-sources`);
export const fetchTrusts = (orgSlug: string) => get<TrustSummaryDto[]>(`${base(orgSlug)}/trusts`);
export const fetchTrust = (orgSlug: string, trustId: string) => get<TrustDetailDto>(`${base(orgSlug)}/trusts/${encodeURIComponent(trustId)}`);
