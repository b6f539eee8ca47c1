// What an admin sets up before adding a source: the Buildkite token's scopes and the cluster
// roles, as the readers and containment need them (lib/buildkite/README.md, lib/kubernetes/rbac.ts).
// Rendered on the server; the texts come from the libraries, not written twice.

export interface PipelineSetupProps {
  buildkiteReadScopes: readonly string[];
  buildkiteOptionalScopes: readonly string[];
  buildkiteResponderScopes: readonly string[];
  readerRoleYaml: string;
  responderRoleYaml: string;
}

const READER_COMMANDS = [
  "kubectl create namespace gatehouse",
  "kubectl create serviceaccount gatehouse-reader -n gatehouse",
  "kubectl apply -f gatehouse-reader.yaml",
  "kubectl create clusterrolebinding gatehouse-reader --clusterrole=gatehouse-reader --serviceaccount=gatehouse:gatehouse-reader",
  "kubectl create token gatehouse-reader -n gatehouse --duration=24h   # or run Gatehouse in the cluster as that account",
].join("\n");

const code = "rounded bg-slate-100 px-1 font-mono text-xs";

export function PipelineSetup(p: PipelineSetupProps) {
  return (
    <section aria-label="Setting up access" className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 text-sm">
      <h2 className="font-semibold">Setting up access</h2>
      <div className="space-y-1">
        <h3 className="font-medium">Buildkite</h3>
        <p>
          Create an API access token (Personal Settings → API Access Tokens) for the organization with the read-only scopes{" "}
          {p.buildkiteReadScopes.map((s, i) => (
            <span key={s}>
              {i > 0 ? ", " : ""}
              <code className={code}>{s}</code>
            </span>
          ))}
          , and if the organization agrees{" "}
          {p.buildkiteOptionalScopes.map((s, i) => (
            <span key={s}>
              {i > 0 ? " and " : ""}
              <code className={code}>{s}</code>
            </span>
          ))}{" "}
          (owners and secrets&apos; access policies; without them the read goes on and says what it left out).
        </p>
        <p>
          Write access for containment is a separate token with{" "}
          {p.buildkiteResponderScopes.map((s, i) => (
            <span key={s}>
              {i > 0 ? ", " : ""}
              <code className={code}>{s}</code>
            </span>
          ))}
          : pause a queue, cancel builds, archive the pipeline.
        </p>
      </div>
      <div className="space-y-1">
        <h3 className="font-medium">Kubernetes</h3>
        <p>
          Bind this read-only ClusterRole cluster-wide to the account Gatehouse reads with (<code className={code}>kubectl apply -f -</code>, then a ClusterRoleBinding). Secrets are listed as
          metadata only; their data is never requested.
        </p>
        <pre data-testid="reader-cluster-role" className="overflow-x-auto rounded-md bg-slate-900 p-3 font-mono text-xs text-slate-100">
          {p.readerRoleYaml}
        </pre>
        <pre className="overflow-x-auto rounded-md bg-slate-100 p-3 font-mono text-xs">{READER_COMMANDS}</pre>
        <p>Write access for containment: this ClusterRole, bound per namespace with RoleBindings to a separate account (its kubeconfig is the responder credentials).</p>
        <pre data-testid="responder-cluster-role" className="overflow-x-auto rounded-md bg-slate-900 p-3 font-mono text-xs text-slate-100">
          {p.responderRoleYaml}
        </pre>
      </div>
    </section>
  );
}
