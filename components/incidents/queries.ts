import type { IncidentDetailDto } from "@/lib/incidents/incident-dto";
import type { Result } from "@/lib/http/errors";
import { orgApiPath } from "@/components/api/client";

/** Query keys start with the org so switching org can never show another tenant's cache. */
export const incidentKeys = {
  detail: (orgSlug: string, incidentId: string) => ["org", orgSlug, "incidents", incidentId] as const,
};

/** The detail as the page reads it: `responder` read defensively (an older server sends none; the page then offers the actions and says so if the route is missing). */
export type IncidentView = Omit<IncidentDetailDto, "responder"> & { responder?: IncidentDetailDto["responder"] | null };

/** Polled every few seconds while the incident is open, so responders see each other's progress. */
export const POLL_MS = 3000;

export async function fetchIncident(orgSlug: string, incidentId: string): Promise<IncidentView> {
  const res = await fetch(orgApiPath(orgSlug, "incidents", incidentId), { cache: "no-store" });
  const body = (await res.json()) as Result<IncidentView>;
  if (!body.ok) throw new Error(body.error.message);
  return body.data;
}
