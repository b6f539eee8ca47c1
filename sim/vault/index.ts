// Public entry point of the Vault simulator (see sim/README.md).
export { startVaultSim, type VaultSim } from "./server";
