import type { WorkflowRule } from "./support";
import { idTokenAtWorkflowLevel, idTokenUnused, tokenBlanket, tokenInheritsDefault, tokenWriteAtWorkflowLevel } from "./token";
import { tokenWriteUnused } from "./token-write";
import { allSecretsExposed, deployWithoutEnvironment, githubPat, hardcodedCredential, longLivedCredential, secretOutsideEnvironment, secretsInherit } from "./secrets";
import { cacheInPrivilegedJob, cacheInReleasePipeline } from "./cache";
import { publishWithoutTrustedPublishing } from "./publish";
import { privilegedTrigger } from "./triggers";
import { artifactLeaksToken, checkoutPersistedCredentials, secretToUnpinnedAction, unpinnedAction } from "./supply-chain";
import { phaseMixing, selfHostedRunnerUntrusted, templateInjection, untrustedCheckoutPrivileged, untrustedTriggerWithCredentials } from "./untrusted";

export const WORKFLOW_CHECKS: readonly WorkflowRule[] = [
  tokenInheritsDefault,
  tokenWriteAtWorkflowLevel,
  tokenBlanket,
  idTokenAtWorkflowLevel,
  idTokenUnused,
  tokenWriteUnused,
  secretsInherit,
  allSecretsExposed,
  privilegedTrigger,
  untrustedTriggerWithCredentials,
  untrustedCheckoutPrivileged,
  templateInjection,
  cacheInPrivilegedJob,
  cacheInReleasePipeline,
  selfHostedRunnerUntrusted,
  checkoutPersistedCredentials,
  artifactLeaksToken,
  githubPat,
  hardcodedCredential,
  secretToUnpinnedAction,
  unpinnedAction,
  deployWithoutEnvironment,
  secretOutsideEnvironment,
  longLivedCredential,
  publishWithoutTrustedPublishing,
  phaseMixing,
];

export { contextRules } from "./context";
export { isOnlyCalled, reusableWorkflowDefaultPermissions } from "./reusable";
export { RULES } from "./catalog";
export { toFinding, type Emit } from "./support";
