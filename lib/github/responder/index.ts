import "server-only";

// The responder client: incident mode's only way to change anything on GitHub (README.md).
// Every name here is the contract lib/incidents codes against; `@public` keeps knip from
// reporting the ones nothing imports yet.
export {
  /** @public */ STEP_PERMISSIONS,
  /** @public */ SECRET_SCOPE_PERMISSIONS,
  /** @public */ RESPONDER_PERMISSIONS,
  /** @public */ type ResponderStep,
  /** @public */ type SecretScope,
  /** @public */ type PermissionLevel,
} from "./steps";
export { /** @public */ ResponderError, /** @public */ type ResponderErrorKind } from "./errors";
export {
  /** @public */ responderConfig,
  /** @public */ responderConfigured,
  /** @public */ findResponderInstallation,
  /** @public */ type ResponderConfig,
  /** @public */ type ResponderInstallation,
} from "./config";
export { /** @public */ openResponderSession, /** @public */ type OpenResponderSessionOptions, /** @public */ type ResponderSession } from "./session";
export { /** @public */ SECRET_VALUE_LIMIT_BYTES, /** @public */ type SecretWrite } from "./ops-secrets";
export { /** @public */ plannedCalls, /** @public */ manualCommand, /** @public */ type PlannedCall, /** @public */ type StepTargets } from "./plan";
export type { /** @public */ ApiCall, /** @public */ RunQuery, /** @public */ WorkflowRef } from "./calls";
export type { /** @public */ CancelOptions } from "./ops-actions";
export type { /** @public */ ArtifactQuery } from "./ops-cleanup";
export type * from "./types";
