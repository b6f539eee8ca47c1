// Public entry point of the Azure simulator (see sim/README.md).
export { startAzureSim, type AzureSim } from "./server";
