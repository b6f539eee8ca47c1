import type { Result } from "@/lib/http/errors";
import type { PipelineSourceDto } from "@/lib/pipeline-sources/pipeline-sources-dto";

/** Query keys start with the org so switching org can never show another tenant's cache. */
export const pipelineSourceKeys = {
  list: (orgSlug: string) => ["org", orgSlug, "pipeline-sources"] as const,
};

export async function fetchPipelineSources(orgSlug: string): Promise<PipelineSourceDto[]> {
  const res = await fetch(`/api/v1/orgs/${encodeURIComponent(orgSlug)}/pipeline-sources`, { cache: "no-store" });
  const body = (await res.json()) as Result<PipelineSourceDto[]>;
  if (!body.ok) throw new Error(body.error.message);
  return body.data;
}
