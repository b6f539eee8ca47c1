// Public entry point of the Buildkite simulator (see sim/README.md).
export { startBuildkiteSim, type BuildkiteSim } from "./server";
