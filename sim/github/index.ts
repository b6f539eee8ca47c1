// Public entry point of the GitHub API simulator.
export { startGithubSim, buildRouter, type GithubSim, type GithubSimOptions } from "./server";
export type { SimAppOptions, InstallationOptions, WriteLogEntry } from "./core";
export type { FaultOptions, QueuedFault, FaultKind } from "./faults";
export type { RateLimitOptions } from "./rate-limit";
export { DEFAULT_INSTALLATION_PERMISSIONS, type Permissions, type PermissionLevel } from "./permissions";
export { signWebhook, type DeliveryRecord } from "./webhooks";
export type { SecretTarget } from "./control";
