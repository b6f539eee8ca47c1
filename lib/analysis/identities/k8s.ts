import { actionName } from "../steps";
import { identity, idOf, secretsIn, system, type Extractor } from "./common";

const KUBECONFIG_NAME = /KUBE_?CONFIG|KUBECONFIG|K8S_(CONFIG|TOKEN|CREDENTIALS)|CLUSTER_(TOKEN|CONFIG)/i;
const DEPLOY_ACTIONS = new Set(["azure/k8s-deploy", "azure/k8s-bake", "azure/aks-set-context", "deliverybot/helm", "wahyd4/kubectl-helm-action", "actions-hub/kubectl", "steebchen/kubectl"]);

/** Kubernetes credentials: azure/k8s-set-context inputs and kubeconfig-style secrets; deploy actions. */
export const kubernetes: Extractor = (input) => {
  const { step } = input;
  const name = step.uses !== null ? actionName(step.uses) : null;
  if (name === "azure/k8s-set-context") {
    const method = (step.with.method?.text ?? "kubeconfig").toLowerCase();
    const secrets = secretsIn(step.with.kubeconfig, step.with["k8s-secret"], step.with.token);
    if (method !== "service-principal" && secrets.length > 0) identity(input, "kubeconfig", { id: secrets[0] ?? null, symbolic: false }, false, { secrets });
    const cluster = idOf(step.with["cluster-name"] ?? step.with["k8s-url"]);
    system(input, "kubernetes", cluster.id, cluster.symbolic);
    return;
  }
  if (name !== null && DEPLOY_ACTIONS.has(name)) {
    const cluster = idOf(step.with["cluster-name"]);
    system(input, "kubernetes", cluster.id, cluster.symbolic);
  }
  const values = [...Object.values(step.with), ...Object.values(step.env), ...(step.run ? [step.run] : [])];
  for (const s of secretsIn(...values)) {
    if (!KUBECONFIG_NAME.test(s) || input.out.identities.some((i) => i.kind === "kubeconfig" && i.id === s)) continue;
    identity(input, "kubeconfig", { id: s, symbolic: false }, false, { secrets: [s] });
    system(input, "kubernetes", null);
  }
};
