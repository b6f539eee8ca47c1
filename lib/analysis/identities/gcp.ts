import { actionName } from "../steps";
import { identity, idOf, secretsIn, system, type Extractor } from "./common";

const PROVIDER = /^projects\/(\d+)\/locations\/global\/workloadIdentityPools\/[^/]+\/providers\/[^/]+$/;

/** google-github-actions/auth: Workload Identity Federation, or a service-account key JSON. */
export const googleAuth: Extractor = (input) => {
  const { step } = input;
  if (step.uses === null || actionName(step.uses) !== "google-github-actions/auth") return;
  const provider = step.with.workload_identity_provider;
  const sa = step.with.service_account;
  const creds = step.with.credentials_json;
  if (creds !== undefined) {
    identity(input, "gcp-service-account-key", sa ?? creds, false, { secrets: secretsIn(creds) });
  }
  if (provider !== undefined) {
    identity(input, "gcp-workload-identity", sa ?? provider, true, { audience: step.with.audience });
    const p = idOf(provider);
    system(input, "gcp-wif-provider", p.id, p.symbolic);
    const project = p.id !== null && !p.symbolic ? PROVIDER.exec(p.id)?.[1] : undefined;
    if (project !== undefined) system(input, "gcp-project", project);
  }
  const projectId = idOf(step.with.project_id);
  if (projectId.id !== null) system(input, "gcp-project", projectId.id, projectId.symbolic);
};

/** google-github-actions/get-gke-credentials: a cluster reached with the job's Google credentials. */
export const gkeCredentials: Extractor = (input) => {
  const { step } = input;
  if (step.uses === null || actionName(step.uses) !== "google-github-actions/get-gke-credentials") return;
  const cluster = idOf(step.with.cluster_name);
  system(input, "kubernetes", cluster.id, cluster.symbolic);
};
