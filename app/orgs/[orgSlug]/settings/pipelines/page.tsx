import type { Metadata } from "next";
import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import { requirePagePermission } from "@/lib/orgs/page-context";
import { getDatabase } from "@/lib/db";
import { listPipelineSources } from "@/lib/pipeline-sources/pipeline-sources-repo";
import { BUILDKITE_READ_SCOPES } from "@/lib/buildkite/client";
import { clusterRoleYaml, GATEHOUSE_READER_RULES, GATEHOUSE_RESPONDER_RULES } from "@/lib/kubernetes/rbac";
import { PageHeader } from "@/components/ui/page-header";
import { PipelineSourcesPanel } from "@/components/settings/pipeline-sources-panel";
import { PipelineSetup } from "@/components/settings/pipeline-setup";
import { pipelineSourceKeys } from "@/components/settings/pipeline-queries";

export const metadata: Metadata = { title: "Pipeline sources" };

export default async function PipelinesSettingsPage({ params }: { params: Promise<{ orgSlug: string }> }) {
  const { orgSlug } = await params;
  const { actor } = await requirePagePermission(orgSlug, "connection.manage");
  const { db } = await getDatabase();
  const qc = new QueryClient();
  await qc.prefetchQuery({ queryKey: pipelineSourceKeys.list(actor.orgSlug), queryFn: () => listPipelineSources(db, actor.orgId) });
  return (
    <>
      <PageHeader
        title="Pipeline sources"
        description="The CI systems beside GitHub Actions whose settings only their API knows: a Buildkite organization (stored steps, fork pull requests, queues, teams) or a Kubernetes cluster running Tekton (service accounts, their RBAC and workload identities, Pipelines-as-Code Repositories, running PipelineRuns). Each source is read after every sync and on Read now; a read that fails keeps the last good one and says why."
      />
      <HydrationBoundary state={dehydrate(qc)}>
        <PipelineSourcesPanel orgSlug={actor.orgSlug} />
      </HydrationBoundary>
      <div className="mt-6">
        <PipelineSetup
          buildkiteReadScopes={BUILDKITE_READ_SCOPES}
          buildkiteOptionalScopes={["read_teams", "read_secrets_details"]}
          buildkiteResponderScopes={["write_pipelines", "write_builds", "write_clusters"]}
          readerRoleYaml={clusterRoleYaml("gatehouse-reader", GATEHOUSE_READER_RULES)}
          responderRoleYaml={clusterRoleYaml("gatehouse-responder", GATEHOUSE_RESPONDER_RULES)}
        />
      </div>
    </>
  );
}
