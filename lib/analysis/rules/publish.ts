import { REGISTRY_NAMES, type TrustedPublishingRegistry } from "../publish";
import { list, type WorkflowRule } from "./support";

const FIX: Record<TrustedPublishingRegistry, string> = {
  npm: "Add this workflow as a trusted publisher of the package on npmjs.com, grant the job `id-token: write`, publish with npm 11.5.1 or later and no NODE_AUTH_TOKEN, then revoke the token.",
  pypi: "Add this workflow as a trusted publisher on PyPI, grant the job `id-token: write`, publish with pypa/gh-action-pypi-publish (or `uv publish`) without a password, then delete the API token.",
  rubygems: "Add this workflow as a trusted publisher on RubyGems.org, grant the job `id-token: write`, publish with rubygems/release-gem, then revoke the API key.",
  crates: "Add this workflow as a trusted publisher on crates.io, grant the job `id-token: write`, give `cargo publish` the short-lived token of rust-lang/crates-io-auth-action, then revoke the token.",
  nuget: "Add a trusted publishing policy for this workflow on nuget.org, grant the job `id-token: write`, give `dotnet nuget push` the short-lived key of NuGet/login, then delete the API key.",
};

export const publishWithoutTrustedPublishing: WorkflowRule = (wf, emit) => {
  for (const j of wf.jobs) {
    for (const p of j.publishes) {
      if (p.secrets.length === 0) {
        // No token in sight: with id-token: write this is trusted publishing.
        if (j.model.idToken) continue;
        emit({
          rule: "publish-without-trusted-publishing",
          severity: "low",
          line: p.line,
          job: j.model.id,
          message: `step ${p.step} of job ${j.model.id} publishes to ${REGISTRY_NAMES[p.registry]} with \`${p.via}\` without id-token: write, so it cannot use trusted publishing and authenticates with a long-lived credential from outside the workflow (the runner or an earlier step's output), usable by any code in this job`,
          fix: FIX[p.registry],
        });
        continue;
      }
      const names = list(p.secrets);
      emit({
        rule: "publish-without-trusted-publishing",
        line: p.line,
        job: j.model.id,
        message: `step ${p.step} of job ${j.model.id} publishes to ${REGISTRY_NAMES[p.registry]} with \`${p.via}\` using the long-lived token ${names} from ${p.source}, so any code running in this job, or anyone the token leaks to, can publish until it is revoked${j.model.idToken ? " — the job already has id-token: write, so trusted publishing would need no token" : ""}`,
        fix: FIX[p.registry],
      });
    }
  }
};
