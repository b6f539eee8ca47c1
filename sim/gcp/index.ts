// Public entry point of the Google Cloud simulator (see sim/README.md).
export { startGcpSim, type GcpSim, type GcpSimOptions } from "./server";
export type { GcpSimClient, GcpSimFixture } from "./model";
