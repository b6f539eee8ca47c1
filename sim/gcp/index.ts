// Public entry point of the Google Cloud simulator (see sim/README.md).
export { startGcpSim, type GcpSim } from "./server";
