import "server-only";
import type { Env } from "@/lib/env";
import { CloudReadError } from "@/lib/cloud/types";
import { readBuildkiteOrg } from "@/lib/buildkite/read";
import { readCluster } from "@/lib/kubernetes/read";
import type { PipelineSourceKind } from "@/lib/db/schema/pipeline-sources";
import { logger } from "@/lib/logger";
import { connectionOf } from "./connection";
import type { PipelineSourceRow, SourceReadResult } from "./pipeline-sources-repo";

// One read of one source, over the network and outside any transaction: connection (sealed
// credentials opened here, or the environment) → the lib reader → a snapshot, or a sentence that
// says what failed and what to do. The caller stores either; a failure keeps the last snapshot.

const ADVICE: Record<PipelineSourceKind, Record<CloudReadError["kind"], string>> = {
  buildkite: {
    credentials: "Give the source a working token (remove it and add it again), or fix the server's BUILDKITE_API_TOKEN, then use Read now.",
    denied: "The read-only scopes Gatehouse needs are listed in Settings → Pipelines; add them to the token, then use Read now.",
    network: "Gatehouse reads again after the next sync, or use Read now.",
    shape: "Check that the source's API URL (or BUILDKITE_API_URL) is Buildkite's REST API.",
  },
  kubernetes: {
    credentials: "Give the source a working kubeconfig or token (remove it and add it again), or fix the server's KUBECONFIG, then use Read now.",
    denied: "Bind the gatehouse-reader ClusterRole shown in Settings → Pipelines to the reading account, then use Read now.",
    network: "Gatehouse reads again after the next sync, or use Read now.",
    shape: "Check that the source's server (or the KUBECONFIG's) is a Kubernetes API server.",
  },
};

type Readable = Pick<PipelineSourceRow, "id" | "kind" | "settings" | "credentialsSealed" | "credentialsFrom">;

export async function readPipelineSource(source: Readable, env: Env): Promise<SourceReadResult> {
  const conn = connectionOf(source, env);
  if (!conn.ok) return conn;
  try {
    if (conn.connection.kind === "buildkite") {
      const read = await readBuildkiteOrg(conn.connection.conn);
      return { ok: true, snapshot: { kind: "buildkite", read }, warnings: read.warnings };
    }
    const namespaces = source.settings.namespaces?.length ? { namespaces: source.settings.namespaces } : {};
    const read = await readCluster(conn.connection.conn, namespaces);
    return { ok: true, snapshot: { kind: "kubernetes", read }, warnings: read.warnings };
  } catch (err) {
    if (err instanceof CloudReadError) return { ok: false, message: `${err.message} ${ADVICE[source.kind][err.kind]}` };
    logger.error("pipeline source read failed", { sourceId: source.id, kind: source.kind, error: err instanceof Error ? err : String(err) });
    return { ok: false, message: "The read failed unexpectedly (details in the server log); the last good read is kept. Use Read now to try again." };
  }
}
