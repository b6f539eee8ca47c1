// Public entry point of the Azure simulator (see sim/README.md).
export { startAzureSim, type AzureSim, type AzureSimOptions } from "./server";
export type { AzureSimClient, AzureSimFixture } from "./model";
