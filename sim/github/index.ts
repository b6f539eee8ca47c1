// Public entry point of the GitHub API simulator.
export { startGithubSim, type GithubSim, type GithubSimOptions } from "./server";
export type { FaultOptions } from "./faults";
export { DEFAULT_INSTALLATION_PERMISSIONS } from "./permissions";
