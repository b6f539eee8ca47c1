import type { StepModel } from "../steps";
import type { ExternalSystem, Identity } from "../types";
import { amazonEcrLogin, configureAwsCredentials } from "./aws";
import { azureLogin } from "./azure";
import type { Extracted, Extractor, JobCredentials } from "./common";
import { cosign } from "./cosign";
import { gkeCredentials, googleAuth } from "./gcp";
import { githubApp, githubPat } from "./github-app";
import { kubernetes } from "./k8s";
import { chatWebhooks } from "./notify";
import { cratesPublish, dockerLogin, npmRegistry, pypiPublish } from "./registries";
import { runScripts } from "./scripts";
import { vaultAction } from "./vault";

// Order matters: later extractors read identities found by earlier steps of the same job
// (ECR login after an AWS role, a registry password from a Google token).

export const EXTRACTORS: readonly Extractor[] = [
  configureAwsCredentials,
  amazonEcrLogin,
  googleAuth,
  gkeCredentials,
  azureLogin,
  vaultAction,
  dockerLogin,
  npmRegistry,
  pypiPublish,
  cratesPublish,
  githubApp,
  githubPat,
  cosign,
  kubernetes,
  chatWebhooks,
  runScripts,
];

export function extractIdentities(steps: StepModel[], job: JobCredentials): { identities: Identity[]; systems: ExternalSystem[] } {
  const out: Extracted = { identities: [], systems: [] };
  for (const step of steps) {
    for (const extract of EXTRACTORS) extract({ step, job, out });
  }
  return out;
}

export type { JobCredentials };
