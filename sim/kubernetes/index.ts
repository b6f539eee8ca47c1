// Public entry point of the Kubernetes API simulator (README.md).
export { startKubernetesSim, type KubeSim, type KubeSimFixture } from "./server";
export type { KubeSimRule, KubeSimToken } from "./authz";
