import { describe, expect, it } from "vitest";
import { analyze, job } from "../test-support";
import type { Identity } from "../types";

function ids(steps: string, opts: { perms?: string; env?: string } = {}): { identities: Identity[]; systems: { kind: string; id: string | null }[] } {
  const yaml = `on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    permissions: ${opts.perms ?? "{ id-token: write, contents: read }"}\n    steps:\n${steps}`;
  const j = job(analyze(yaml), "j");
  return { identities: j.identities, systems: j.systems };
}

describe("aws-actions/configure-aws-credentials", () => {
  it("OIDC role with the account id from the ARN", () => {
    const r = ids("      - uses: aws-actions/configure-aws-credentials@v4\n        with: { role-to-assume: 'arn:aws:iam::123456789012:role/deploy', aws-region: eu-west-1 }");
    expect(r.identities).toEqual([expect.objectContaining({ kind: "aws-role", id: "arn:aws:iam::123456789012:role/deploy", oidc: true, line: 7, step: 1 })]);
    expect(r.systems).toContainEqual({ kind: "aws-account", id: "123456789012" });
  });
  it("symbolic role from vars", () => {
    const r = ids("      - uses: aws-actions/configure-aws-credentials@v4\n        with: { role-to-assume: '${{ vars.AWS_ROLE_ARN }}' }");
    expect(r.identities[0]).toMatchObject({ kind: "aws-role", id: "vars.AWS_ROLE_ARN", symbolic: true, oidc: true });
  });
  it("static keys", () => {
    const r = ids("      - uses: aws-actions/configure-aws-credentials@v4\n        with: { aws-access-key-id: '${{ secrets.AWS_ACCESS_KEY_ID }}', aws-secret-access-key: '${{ secrets.AWS_SECRET_ACCESS_KEY }}' }");
    expect(r.identities).toEqual([expect.objectContaining({ kind: "aws-access-key", oidc: false, secrets: ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"] })]);
  });
  it("amazon-ecr-login after an OIDC role is OIDC-derived", () => {
    const r = ids("      - uses: aws-actions/configure-aws-credentials@v4\n        with: { role-to-assume: r }\n      - uses: aws-actions/amazon-ecr-login@v2");
    expect(r.identities[1]).toMatchObject({ kind: "registry-login", id: "ecr", oidc: true });
    expect(r.systems).toContainEqual({ kind: "container-registry", id: "ecr" });
  });
});

describe("google-github-actions/auth", () => {
  it("workload identity federation with the project number", () => {
    const r = ids("      - uses: google-github-actions/auth@v2\n        with:\n          workload_identity_provider: projects/123456/locations/global/workloadIdentityPools/gh/providers/gh\n          service_account: ci@p.iam.gserviceaccount.com");
    expect(r.identities[0]).toMatchObject({ kind: "gcp-workload-identity", id: "ci@p.iam.gserviceaccount.com", oidc: true });
    expect(r.systems).toEqual(expect.arrayContaining([{ kind: "gcp-project", id: "123456" }, expect.objectContaining({ kind: "gcp-wif-provider" })]));
  });
  it("service-account key", () => {
    const r = ids("      - uses: google-github-actions/auth@v2\n        with: { credentials_json: '${{ secrets.GCP_SA_KEY }}' }");
    expect(r.identities[0]).toMatchObject({ kind: "gcp-service-account-key", oidc: false, secrets: ["GCP_SA_KEY"] });
  });
  it("get-gke-credentials names the cluster", () => {
    const r = ids("      - uses: google-github-actions/get-gke-credentials@v2\n        with: { cluster_name: prod-1, location: europe-west1 }");
    expect(r.systems).toContainEqual({ kind: "kubernetes", id: "prod-1" });
  });
});

describe("azure/login", () => {
  it("federated client with tenant and subscription", () => {
    const r = ids("      - uses: azure/login@v2\n        with: { client-id: '${{ vars.AZURE_CLIENT_ID }}', tenant-id: t-1, subscription-id: s-1 }");
    expect(r.identities[0]).toMatchObject({ kind: "azure-federated", id: "vars.AZURE_CLIENT_ID", symbolic: true, oidc: true });
    expect(r.systems).toEqual(expect.arrayContaining([{ kind: "azure-tenant", id: "t-1" }, { kind: "azure-subscription", id: "s-1" }]));
  });
  it("creds JSON is a client secret", () => {
    const r = ids("      - uses: azure/login@v2\n        with: { creds: '${{ secrets.AZURE_CREDENTIALS }}' }");
    expect(r.identities[0]).toMatchObject({ kind: "azure-client-secret", oidc: false, secrets: ["AZURE_CREDENTIALS"] });
  });
});

describe("hashicorp/vault-action", () => {
  it("jwt role is OIDC", () => {
    const r = ids("      - uses: hashicorp/vault-action@v3\n        with: { url: 'https://vault.example.com', method: jwt, role: ci }");
    expect(r.identities[0]).toMatchObject({ kind: "vault-jwt", id: "ci", oidc: true });
    expect(r.systems).toContainEqual({ kind: "vault", id: "https://vault.example.com" });
  });
  it("token is static", () => {
    const r = ids("      - uses: hashicorp/vault-action@v3\n        with: { url: 'https://v', token: '${{ secrets.VAULT_TOKEN }}' }");
    expect(r.identities[0]).toMatchObject({ kind: "vault-static", oidc: false, secrets: ["VAULT_TOKEN"] });
  });
});

describe("registries", () => {
  it("docker/login-action defaults to Docker Hub", () => {
    const r = ids("      - uses: docker/login-action@v3\n        with: { username: u, password: '${{ secrets.DOCKERHUB_TOKEN }}' }");
    expect(r.identities[0]).toMatchObject({ kind: "registry-login", id: "docker.io", oidc: false, secrets: ["DOCKERHUB_TOKEN"] });
  });
  it("ghcr.io with GITHUB_TOKEN", () => {
    const r = ids("      - uses: docker/login-action@v3\n        with: { registry: ghcr.io, username: u, password: '${{ secrets.GITHUB_TOKEN }}' }");
    expect(r.identities[0]).toMatchObject({ kind: "registry-login", id: "ghcr.io", secrets: ["GITHUB_TOKEN"] });
  });
  it("setup-node registry-url with NODE_AUTH_TOKEN", () => {
    const r = ids("      - uses: actions/setup-node@v4\n        with: { registry-url: 'https://registry.npmjs.org' }\n      - run: npm publish\n        env: { NODE_AUTH_TOKEN: '${{ secrets.NPM_TOKEN }}' }");
    expect(r.identities).toContainEqual(expect.objectContaining({ kind: "npm-token", id: "NPM_TOKEN", oidc: false }));
    expect(r.systems).toContainEqual({ kind: "npm", id: "registry.npmjs.org" });
  });
  it("npm trusted publishing when no token and id-token", () => {
    const r = ids("      - uses: actions/setup-node@v4\n        with: { registry-url: 'https://registry.npmjs.org' }\n      - run: npm publish --provenance");
    expect(r.identities).toContainEqual(expect.objectContaining({ kind: "npm-trusted-publishing", oidc: true, heuristic: true }));
  });
  it("pypa/gh-action-pypi-publish: trusted publishing vs token", () => {
    expect(ids("      - uses: pypa/gh-action-pypi-publish@release/v1").identities[0]).toMatchObject({ kind: "pypi-trusted-publishing", oidc: true, id: "upload.pypi.org" });
    const token = ids("      - uses: pypa/gh-action-pypi-publish@release/v1\n        with: { password: '${{ secrets.PYPI_API_TOKEN }}', repository-url: 'https://test.pypi.org/legacy/' }");
    expect(token.identities[0]).toMatchObject({ kind: "pypi-token", id: "test.pypi.org", secrets: ["PYPI_API_TOKEN"] });
  });
  it("crates.io token and trusted publishing", () => {
    expect(ids("      - run: cargo publish\n        env: { CARGO_REGISTRY_TOKEN: '${{ secrets.CRATES_TOKEN }}' }").identities[0]).toMatchObject({ kind: "crates-token", secrets: ["CRATES_TOKEN"] });
    expect(ids("      - uses: rust-lang/crates-io-auth-action@v1").identities[0]).toMatchObject({ kind: "crates-trusted-publishing", oidc: true });
  });
});

describe("GitHub identities", () => {
  it("create-github-app-token is a GitHub App", () => {
    const r = ids("      - uses: actions/create-github-app-token@v1\n        with: { app-id: '${{ vars.APP_ID }}', private-key: '${{ secrets.APP_KEY }}' }");
    expect(r.identities[0]).toMatchObject({ kind: "github-app", id: "vars.APP_ID", symbolic: true, secrets: ["APP_KEY"] });
  });
  it("a PAT in a token slot", () => {
    const r = ids("      - run: gh release create\n        env: { GH_TOKEN: '${{ secrets.RELEASE_BOT_TOKEN }}' }");
    expect(r.identities[0]).toMatchObject({ kind: "github-pat", id: "RELEASE_BOT_TOKEN" });
  });
});

describe("signing, clusters, chat", () => {
  it("cosign keyless vs key", () => {
    expect(ids("      - uses: sigstore/cosign-installer@v3\n      - run: cosign sign --yes ghcr.io/a/b@sha256:x").identities[0]).toMatchObject({ kind: "cosign-keyless", oidc: true, heuristic: true });
    const key = ids("      - run: cosign sign --key env://COSIGN_PRIVATE_KEY img\n        env: { COSIGN_PRIVATE_KEY: '${{ secrets.COSIGN_KEY }}' }");
    expect(key.identities[0]).toMatchObject({ kind: "cosign-key", oidc: false, secrets: ["COSIGN_KEY"] });
  });
  it("kubeconfig secrets and k8s-set-context", () => {
    expect(ids("      - run: kubectl apply -f k8s/\n        env: { KUBECONFIG_DATA: '${{ secrets.KUBE_CONFIG }}' }").identities[0]).toMatchObject({ kind: "kubeconfig", id: "KUBE_CONFIG" });
    const ctx = ids("      - uses: azure/k8s-set-context@v4\n        with: { method: kubeconfig, kubeconfig: '${{ secrets.AKS_KUBECONFIG }}' }");
    expect(ctx.identities[0]).toMatchObject({ kind: "kubeconfig", secrets: ["AKS_KUBECONFIG"] });
    expect(ctx.systems.map((s) => s.kind)).toContain("kubernetes");
  });
  it("Slack and Discord webhooks", () => {
    const r = ids("      - uses: slackapi/slack-github-action@v2\n        with: { webhook: '${{ secrets.SLACK_WEBHOOK_URL }}', webhook-type: incoming-webhook }\n      - run: curl -X POST \"$HOOK\"\n        env: { HOOK: '${{ secrets.DISCORD_WEBHOOK }}' }");
    expect(r.identities.map((i) => [i.kind, i.id])).toEqual([["webhook", "SLACK_WEBHOOK_URL"], ["webhook", "DISCORD_WEBHOOK"]]);
    expect(r.systems.map((s) => s.kind)).toEqual(["slack", "discord"]);
  });
});

describe("run-script heuristics", () => {
  it("docker login, aws, gcloud, az and kubectl", () => {
    const r = ids("      - run: |\n          echo \"$P\" | docker login quay.io -u bot --password-stdin\n          aws s3 sync dist s3://bucket\n          gcloud run deploy svc\n          az webapp deploy --name x\n          kubectl rollout status deploy/x\n        env: { P: '${{ secrets.QUAY_TOKEN }}' }");
    expect(r.identities[0]).toMatchObject({ kind: "registry-login", id: "quay.io", heuristic: true, secrets: ["QUAY_TOKEN"] });
    expect(r.systems.map((s) => s.kind)).toEqual(expect.arrayContaining(["container-registry", "aws-account", "gcp-project", "azure-tenant", "kubernetes"]));
  });
  it("twine upload with a token", () => {
    const r = ids("      - run: twine upload dist/*\n        env: { TWINE_PASSWORD: '${{ secrets.PYPI_TOKEN }}' }");
    expect(r.identities[0]).toMatchObject({ kind: "pypi-token", heuristic: true, secrets: ["PYPI_TOKEN"] });
  });
});

describe("false-positive guards", () => {
  it("the AWS CLI against an S3-compatible endpoint is not an AWS key", () => {
    const r = ids("      - run: aws s3 cp --recursive dist s3://bucket/\n        env: { AWS_ACCESS_KEY_ID: '${{ secrets.R2_KEY }}', AWS_SECRET_ACCESS_KEY: '${{ secrets.R2_SECRET }}', AWS_ENDPOINT_URL: 'https://x.r2.cloudflarestorage.com' }");
    expect(r.identities).toEqual([]);
  });
  it("chained temporary AWS credentials are not stored keys", () => {
    const r = ids("      - uses: aws-actions/configure-aws-credentials@v4\n        with: { aws-access-key-id: '${{ env.AWS_ACCESS_KEY_ID }}', aws-secret-access-key: '${{ env.AWS_SECRET_ACCESS_KEY }}', role-to-assume: arn:aws:iam::123456789012:role/next }");
    expect(r.identities.map((i) => i.kind)).toEqual(["aws-role"]);
  });
  it("a token input of a non-GitHub action is not a GitHub PAT", () => {
    const r = ids("      - uses: appleboy/telegram-action@v1\n        with: { token: '${{ secrets.TELEGRAM_TOKEN }}' }\n      - uses: CodSpeedHQ/action@v3\n        with: { token: '${{ secrets.CODSPEED_TOKEN }}' }");
    expect(r.identities.filter((i) => i.kind === "github-pat")).toEqual([]);
  });
});

describe("OIDC audience", () => {
  it("records the audience each login action requests, literal or symbolic", () => {
    const r = ids(
      [
        "      - uses: aws-actions/configure-aws-credentials@v4\n        with: { role-to-assume: r, audience: sts.amazonaws.com.cn }",
        "      - uses: google-github-actions/auth@v2\n        with: { workload_identity_provider: projects/1/locations/global/workloadIdentityPools/p/providers/q, audience: '${{ vars.GCP_AUD }}' }",
        "      - uses: azure/login@v2\n        with: { client-id: c, tenant-id: t, audience: api://custom }",
        "      - uses: hashicorp/vault-action@v3\n        with: { url: https://v, method: jwt, role: ci, jwtGithubAudience: vault }",
      ].join("\n"),
    );
    expect(r.identities.map((i) => [i.kind, i.audience, i.audienceSymbolic ?? false])).toEqual([
      ["aws-role", "sts.amazonaws.com.cn", false],
      ["gcp-workload-identity", "vars.GCP_AUD", true],
      ["azure-federated", "api://custom", false],
      ["vault-jwt", "vault", false],
    ]);
  });
  it("leaves it out when the step sets none", () => {
    const r = ids("      - uses: aws-actions/configure-aws-credentials@v4\n        with: { role-to-assume: r }");
    expect(r.identities[0]).not.toHaveProperty("audience");
  });
});
