import "server-only";
import { CloudReadError } from "../cloud/types";
import { isApiStatus, kubeClients, kubeError, listAll, METADATA_ONLY, type KubeClients, type KubeRequest } from "./client";
import { CANCEL_PATCH, type KubeIncidentPlan, type KubeIncidentStep } from "./incident-plan";
import type { KubeConnection } from "./types";

// Applying a KubeIncidentPlan with a write-capable connection (the gatehouse-responder role):
// first every step as a server-side dry run (`dryRun=All`: admission, RBAC and validation run,
// nothing is stored) — if any is refused, nothing is written; then the steps for real, each
// one's outcome kept as evidence, a failure not stopping the others; then a re-read of
// every object the plan touched.

export interface KubeIncidentResult {
  plan: KubeIncidentPlan;
  /** One line per step of the dry run. */
  dryRun: string[];
  /** One line per step applied (empty when only dry-run). */
  evidence: string[];
  /** The re-read, one line per object. */
  verification: string[];
  applied: boolean;
  /** Every object re-read shows the step's effect. */
  verified: boolean;
}

const PAC = { group: "pipelinesascode.tekton.dev", version: "v1alpha1", plural: "repositories" } as const;
const TEKTON = { group: "tekton.dev", version: "v1", plural: "pipelineruns" } as const;

function requestOf(step: KubeIncidentStep): KubeRequest {
  if (step.action === "delete-repository") return { verb: "delete", resource: PAC.plural, group: PAC.group, namespace: step.namespace, name: step.name };
  if (step.action === "cancel-pipelinerun") return { verb: "patch", resource: TEKTON.plural, group: TEKTON.group, namespace: step.namespace, name: step.name };
  return { verb: "delete", resource: "secrets", group: "", namespace: step.namespace, name: step.name };
}

/** One step's call; resolves to what the API server answered, in a line. */
async function run(c: KubeClients, step: KubeIncidentStep, dryRun: boolean): Promise<string> {
  const { namespace, name } = step;
  const flag = dryRun ? { dryRun: "All" } : {};
  const label = `${step.call.action} ${step.call.target}${dryRun ? "?dryRun=All" : ""}`;
  try {
    if (step.action === "delete-repository") await c.custom.deleteNamespacedCustomObject({ ...PAC, namespace, name, ...flag });
    else if (step.action === "delete-token-secret") await c.core.deleteNamespacedSecret({ namespace, name, ...flag });
    else {
      const out = (await c.custom.patchNamespacedCustomObject({ ...TEKTON, namespace, name, body: CANCEL_PATCH, ...flag })) as { spec?: { status?: unknown } };
      return `${label} → 200, spec.status ${String(out.spec?.status)}`;
    }
    return `${label} → 200`;
  } catch (error) {
    // Already gone is the goal of a delete; a run gone cannot run.
    if (isApiStatus(error, 404)) return `${label} → 404, already absent`;
    throw kubeError(error, requestOf(step), c.server);
  }
}

async function verify(c: KubeClients, plan: KubeIncidentPlan): Promise<{ lines: string[]; ok: boolean }> {
  const lines: string[] = [];
  let ok = true;
  const secretSteps = plan.steps.filter((s) => s.action === "delete-token-secret");
  // Secrets are re-read as metadata through `list`, the reader's verb: `get` would return their data.
  const present = secretSteps.length === 0 ? new Set<string>() : new Set((await listAll(c, { verb: "list", resource: "secrets", group: "", namespace: plan.namespace }, (cont) => c.core.listNamespacedSecret({ namespace: plan.namespace, _continue: cont }, METADATA_ONLY))).map((s) => s.metadata?.name ?? ""));
  for (const step of plan.steps) {
    const where = `${step.namespace}/${step.name}`;
    if (step.action === "delete-token-secret") {
      const gone = !present.has(step.name);
      ok &&= gone;
      lines.push(`secret ${where}: ${gone ? "absent" : "still present"}`);
      continue;
    }
    const spec = step.action === "delete-repository" ? PAC : TEKTON;
    let current: { spec?: { status?: unknown }; status?: { conditions?: { type?: string; status?: string; reason?: string }[] } } | null;
    try {
      current = (await c.custom.getNamespacedCustomObject({ ...spec, namespace: step.namespace, name: step.name })) as typeof current;
    } catch (error) {
      if (!isApiStatus(error, 404)) throw kubeError(error, { verb: "get", resource: spec.plural, group: spec.group, namespace: step.namespace, name: step.name }, c.server);
      current = null;
    }
    if (step.action === "delete-repository") {
      ok &&= current === null;
      lines.push(`repository ${where}: ${current === null ? "absent" : "still present"}`);
    } else if (current === null) {
      lines.push(`pipelinerun ${where}: absent (deleted since the plan)`);
    } else {
      const asked = current.spec?.status === "Cancelled";
      const condition = current.status?.conditions?.find((x) => x.type === "Succeeded");
      ok &&= asked;
      const tekton = condition?.status === "False" && condition.reason === "Cancelled" ? "Tekton reports it Cancelled" : `Tekton has not marked it cancelled yet (${condition?.reason ?? "no condition"})`;
      lines.push(`pipelinerun ${where}: ${asked ? `spec.status Cancelled; ${tekton}` : `spec.status ${String(current.spec?.status ?? "unset")}, not Cancelled`}`);
    }
  }
  return { lines, ok };
}

/** Dry run, then (unless `dryRunOnly`) the writes and a re-read. A refused dry run throws; nothing was written. */
export async function applyKubeIncident(conn: KubeConnection, plan: KubeIncidentPlan, options: { dryRunOnly?: boolean } = {}): Promise<KubeIncidentResult> {
  const c = kubeClients(conn);
  const dryRun: string[] = [];
  for (const step of plan.steps) {
    try {
      dryRun.push(await run(c, step, true));
    } catch (error) {
      const e = error instanceof CloudReadError ? error : kubeError(error, requestOf(step), c.server);
      throw new CloudReadError(`The dry run was refused, so nothing was changed: ${e.message}`, e.kind);
    }
  }
  if (options.dryRunOnly === true) return { plan, dryRun, evidence: [], verification: [], applied: false, verified: false };
  const evidence: string[] = [];
  let failed = false;
  for (const step of plan.steps) {
    try {
      evidence.push(await run(c, step, false));
    } catch (error) {
      failed = true;
      evidence.push(`${step.call.action} ${step.call.target} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const check = await verify(c, plan);
  return { plan, dryRun, evidence, verification: check.lines, applied: true, verified: check.ok && !failed };
}
