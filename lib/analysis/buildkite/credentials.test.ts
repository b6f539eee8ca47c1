import { describe, expect, it } from "vitest";
import { analyze, job } from "../test-support";
import type { AnalysisResult } from "../types";

// What each step holds: secrets, identities, systems, OIDC (README "Credentials").

const bk = (yaml: string): AnalysisResult => analyze(yaml, { path: ".buildkite/pipeline.yml" });

describe("secrets", () => {
  const r = bk(`secrets:
  - PIPELINE_WIDE
env:
  DEPLOY_TOKEN: $VAULT_DEPLOY_TOKEN
  NODE_ENV: production
  FEATURE_TOKEN_ENABLED: "true"
steps:
  - key: keys
    command: make
    secrets:
      - NPM_TOKEN
    plugins:
      - docker#v5.1.0:
          environment:
            - NPM_TOKEN
            - SENTRY_AUTH_TOKEN
            - PLAIN_VALUE=1
  - key: mapped
    command: |
      export TOKEN=$(buildkite-agent secret get --format env deploy_key other_key)
      curl -H "Authorization: $$TOKEN" -H "X: $$GITHUB_API_TOKEN" https://api.example.com
    secrets:
      GH_TOKEN: github_token
  - key: trigger
    trigger: other
    build:
      env:
        RELEASE_TOKEN: literal
`);

  it("reads both forms of `secrets:`, at pipeline and step level, as secret-ref", () => {
    expect(job(r, "keys").secrets.filter((s) => s.via === "secret-ref").map((s) => [s.name, s.line])).toEqual([
      ["PIPELINE_WIDE", 2],
      ["NPM_TOKEN", 11],
    ]);
    expect(job(r, "mapped").secrets.filter((s) => s.via === "secret-ref").map((s) => s.name)).toEqual(["PIPELINE_WIDE", "github_token"]);
  });

  it("reads `buildkite-agent secret get` keys as run, past its flags", () => {
    expect(job(r, "mapped").secrets.filter((s) => s.via === "run").map((s) => [s.name, s.line])).toEqual([
      ["deploy_key", 20],
      ["other_key", 20],
      ["GITHUB_API_TOKEN", 21],
    ]);
  });

  it("reads credential-named env entries (by the variable their value names) and pass-throughs, not plain values", () => {
    expect(job(r, "keys").secrets.filter((s) => s.via === "env").map((s) => [s.name, s.line])).toEqual([
      ["VAULT_DEPLOY_TOKEN", 4],
      ["SENTRY_AUTH_TOKEN", 16],
    ]);
    expect(job(r, "trigger").secrets).toEqual([{ name: "RELEASE_TOKEN", via: "env", line: 28 }]);
  });

  it("warns once about credentials the file reads but never sets: hooks or the agent provide them", () => {
    expect(r.workflows[0]?.warnings).toEqual([
      "steps read credential variables this file never sets (GITHUB_API_TOKEN, SENTRY_AUTH_TOKEN): they come from agent or repository hooks (.buildkite/hooks/), plugins or the agents' environment, which the file does not show",
    ]);
  });
});

describe("Buildkite OIDC", () => {
  const r = bk(`env:
  AUD: https://vault.example.com
steps:
  - key: deploy
    command:
      - export T="$(buildkite-agent oidc request-token --audience sts.amazonaws.com --lifetime 900 --claim organization_id,pipeline_id --aws-session-tag organization_slug)"
      - aws sts assume-role-with-web-identity --role-arn arn:aws:iam::123456789012:role/deploy --web-identity-token "$$T"
  - key: vault
    command: buildkite-agent oidc request-token --audience "$$AUD" --subject-claim pipeline_id | vault write auth/jwt/login jwt=-
  - key: bare
    command: buildkite-agent oidc request-token
  - command: buildkite-agent oidc request-token --audience=$$UNSET
`);

  it("records what the command asks for and the subject as far as the file knows", () => {
    const d = job(r, "deploy");
    expect(d.idToken).toBe(true);
    expect(d.identities.find((i) => i.kind === "buildkite-oidc")).toEqual({
      kind: "buildkite-oidc",
      id: "sts.amazonaws.com",
      oidc: true,
      line: 6,
      source: "run",
      audience: "sts.amazonaws.com",
      lifetime: 900,
      claims: ["organization_id", "pipeline_id"],
      sessionTags: ["organization_slug"],
      subject: "organization:<organization>:pipeline:<pipeline>:ref:<ref>:commit:<commit>:step:deploy",
    });
    expect(d.identities.find((i) => i.kind === "aws-role")).toMatchObject({ id: "arn:aws:iam::123456789012:role/deploy", oidc: true, line: 7 });
    expect(d.systems).toContainEqual({ kind: "aws-account", id: "123456789012" });
    expect(d.phase).toBe("deploy");
  });

  it("resolves an audience from the env, keeps an unresolved one symbolic, and honours --subject-claim", () => {
    expect(job(r, "vault").identities[0]).toMatchObject({ audience: "https://vault.example.com", subjectClaim: "pipeline_id", subject: "<pipeline_id>" });
    expect(job(r, "step-4").identities[0]).toMatchObject({ audience: "$UNSET", audienceSymbolic: true, id: "$UNSET", symbolic: true });
  });

  it("leaves the step key empty in the subject of a step without one", () => {
    expect(job(r, "bare").identities[0]).toMatchObject({ id: null, subject: "organization:<organization>:pipeline:<pipeline>:ref:<ref>:commit:<commit>:step:bare" });
    expect(job(r, "step-4").identities[0]?.subject).toBe("organization:<organization>:pipeline:<pipeline>:ref:<ref>:commit:<commit>:step:");
    expect(job(r, "bare").identities[0]).not.toHaveProperty("audience");
  });
});

describe("plugins' credentials", () => {
  const r = bk(`steps:
  - key: aws
    command: ./release.sh
    plugins:
      - aws-assume-role-with-web-identity#v1.4.0:
          role_arn: arn:aws:iam::111111111111:role/release
          role-session-duration: 7200
          session-tags: [organization_slug, pipeline_slug]
      - aws-ssm#v1.1.0:
          parameters:
            GITHUB_TOKEN: /pipelines/app/github-token
      - seek-oss/aws-sm#v2.3.2:
          env:
            NPM_TOKEN: arn:aws:secretsmanager:us-east-1:222222222222:secret:npm
            OTHER: { secret-id: other-id }
          file:
            - path: key.pem
              secret-id: signing-key
      - ecr#v2.9.0:
          login: true
          account-ids: ["333333333333"]
      - docker#v5.1.0:
          environment: [AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN]
  - key: gcp
    command: gcloud storage cp x gs://b
    plugins:
      - gcp-workload-identity-federation#v1.5.0:
          audience: //iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/buildkite/providers/bk
          service-account: uploader@my-project.iam.gserviceaccount.com
          lifetime: 600
  - key: vault
    command: make
    plugins:
      - vault-secrets#v2.2.1:
          server: https://vault.example.com
          secrets: [deploy-key]
          auth: { method: approle, role-id: ci, secret-env: VAULT_SECRET_ID }
      - elastic/vault-secrets#v0.1.0:
          path: secret/ci/elastic/token
          env_var: ES_TOKEN
      - secrets#v1.0.2:
          variables:
            ANIMAL: llamas
  - key: registry
    command: docker push ghcr.io/acme/app
    plugins:
      - docker-login#v3.0.0:
          username: bot
          password-env: GHCR_PASSWORD
          server: ghcr.io
      - publish-to-packages#v2.2.0:
          artifacts: "*.deb"
          registry: acme/debs
  - key: old-style
    command: ./deploy.sh
    plugins:
      - acme/aws-assume-role#v1.0.0:
          role: arn:aws:iam::444444444444:role/ci
      - acme/ecs-deploy#v1.0.0: { cluster: prod }
`);

  it("reads the AWS web-identity plugin as an OIDC role and a Buildkite token it mints", () => {
    const aws = job(r, "aws");
    expect(aws.idToken).toBe(true);
    expect(aws.identities.map((i) => [i.kind, i.id, i.oidc, i.source])).toEqual([
      ["buildkite-oidc", "sts.amazonaws.com", true, "buildkite-plugins/aws-assume-role-with-web-identity"],
      ["aws-role", "arn:aws:iam::111111111111:role/release", true, "buildkite-plugins/aws-assume-role-with-web-identity"],
      ["registry-login", "333333333333", true, "buildkite-plugins/ecr"],
    ]);
    expect(aws.identities[0]).toMatchObject({ lifetime: 7200, sessionTags: ["organization_slug", "pipeline_slug"], audience: "sts.amazonaws.com" });
  });

  it("reads Secrets Manager ids and ARNs and SSM parameters as plugin secrets, not the role's session keys", () => {
    const aws = job(r, "aws");
    expect(aws.secrets.map((s) => [s.name, s.via])).toEqual([
      ["/pipelines/app/github-token", "plugin"],
      ["arn:aws:secretsmanager:us-east-1:222222222222:secret:npm", "plugin"],
      ["other-id", "plugin"],
      ["signing-key", "plugin"],
    ]);
    expect(aws.systems).toEqual([
      { kind: "aws-account", id: "111111111111" },
      { kind: "aws-account", id: "222222222222" },
      { kind: "container-registry", id: "ecr" },
      { kind: "aws-account", id: "333333333333" },
    ]);
    expect(aws.identities.some((i) => i.kind === "aws-access-key")).toBe(false);
  });

  it("reads Google workload identity federation with its provider and projects", () => {
    const g = job(r, "gcp");
    expect(g.identities.map((i) => [i.kind, i.id, i.lifetime])).toEqual([
      ["buildkite-oidc", "//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/buildkite/providers/bk", 600],
      ["gcp-workload-identity", "uploader@my-project.iam.gserviceaccount.com", undefined],
    ]);
    expect(g.systems.map((s) => [s.kind, s.id])).toEqual([
      ["gcp-wif-provider", "projects/123/locations/global/workloadIdentityPools/buildkite/providers/bk"],
      ["gcp-project", "123"],
      ["gcp-project", "my-project"],
    ]);
  });

  it("reads Vault and Buildkite secrets plugins", () => {
    const v = job(r, "vault");
    expect(v.secrets.map((s) => s.name)).toEqual(["deploy-key", "secret/ci/elastic/token", "llamas"]);
    expect(v.identities).toEqual([{ kind: "vault-static", id: "ci", oidc: false, line: 34, source: "buildkite-plugins/vault-secrets", secrets: ["VAULT_SECRET_ID"] }]);
    expect(v.systems).toEqual([{ kind: "vault", id: "https://vault.example.com" }]);
  });

  it("reads registry logins and Buildkite Packages publishing", () => {
    const g = job(r, "registry");
    expect(g.secrets).toEqual([{ name: "GHCR_PASSWORD", via: "plugin", line: 47 }]);
    expect(g.identities.map((i) => [i.kind, i.id])).toEqual([
      ["registry-login", "ghcr.io"],
      ["buildkite-oidc", null],
    ]);
    expect(g.systems).toContainEqual({ kind: "container-registry", id: "ghcr.io" });
    expect(g.idToken).toBe(true);
    expect(g.phase).toBe("publish");
  });

  it("reads other AWS role plugins as roles assumed with the agent's credentials, and deploy plugins by name", () => {
    const o = job(r, "old-style");
    expect(o.identities).toEqual([{ kind: "aws-role", id: "arn:aws:iam::444444444444:role/ci", oidc: false, line: 57, source: "acme/aws-assume-role" }]);
    expect(o.phase).toBe("deploy");
    expect(o.idToken).toBe(false);
  });
});

describe("static cloud keys", () => {
  it("turns AWS keys the file hands a step into an aws-access-key identity, whatever the source", () => {
    const r = bk(`steps:
  - key: via-secrets
    command: aws s3 sync . s3://b
    secrets: [AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY]
  - key: via-ssm
    command: ./up.sh
    plugins:
      - aws-ssm#v1.1.0:
          parameters:
            AWS_SECRET_ACCESS_KEY: /ci/aws-secret
  - key: via-get
    command: export GOOGLE_APPLICATION_CREDENTIALS=$(buildkite-agent secret get GOOGLE_APPLICATION_CREDENTIALS)
  - key: passed-on
    command: make
    plugins:
      - docker#v5.1.0: { environment: [AWS_ACCESS_KEY_ID] }
`);
    expect(job(r, "via-secrets").identities).toEqual([
      { kind: "aws-access-key", id: "AWS_ACCESS_KEY_ID", oidc: false, line: 4, source: "env", secrets: ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"] },
    ]);
    expect(job(r, "via-secrets").systems).toEqual([{ kind: "aws-account", id: null, heuristic: true }]);
    expect(job(r, "via-ssm").identities.map((i) => i.kind)).toEqual(["aws-access-key"]);
    expect(job(r, "via-get").identities.map((i) => [i.kind, i.id])).toEqual([["gcp-service-account-key", "GOOGLE_APPLICATION_CREDENTIALS"]]);
    // Stored keys stay static keys when the step goes on to assume a role with them.
    const chained = bk("steps:\n  - key: chain\n    secrets: [AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY]\n    command: aws sts assume-role --role-arn arn:aws:iam::123456789012:role/x --role-session-name ci\n");
    expect(job(chained, "chain").identities.map((i) => [i.kind, i.oidc])).toEqual([
      ["aws-role", false],
      ["aws-access-key", false],
    ]);
    // A name passed into a container may hold anything the agent has (hooks): not known to be a stored key.
    expect(job(r, "passed-on").identities).toEqual([]);
    expect(job(r, "passed-on").secrets).toEqual([{ name: "AWS_ACCESS_KEY_ID", via: "env", line: 16 }]);
  });
});

describe("script heuristics shared with GitHub Actions", () => {
  it("finds registries, clouds and clusters the commands reach, and deploy and publish commands", () => {
    const r = bk(`steps:
  - key: push
    command:
      - echo "$$PASS" | docker login ghcr.io -u bot --password-stdin
      - docker push ghcr.io/acme/app
  - key: k8s
    command: kubectl apply -f deploy.yaml
  - key: lint
    command: helm lint chart
`);
    expect(job(r, "push").identities).toMatchObject([{ kind: "registry-login", id: "ghcr.io", source: "run", heuristic: true }]);
    expect(job(r, "push").identities[0]).not.toHaveProperty("step");
    expect(job(r, "push").phase).toBe("publish");
    expect(job(r, "k8s")).toMatchObject({ phase: "deploy", systems: [{ kind: "kubernetes", id: null, heuristic: true }] });
    expect(job(r, "lint").phase).toBe("verify");
  });
});

describe("Chef Expeditor steps", () => {
  it("reads `expeditor.secrets` Vault paths at file and step level and executor pass-throughs", () => {
    const r = analyze(
      `expeditor:
  secrets:
    HAB_TOKEN: { path: account/static/habitat, field: token }
steps:
  - label: build
    command: ./build.sh
    expeditor:
      secrets:
        OTHER: { path: account/static/other, field: x }
      executor:
        docker:
          environment: [ARTIFACTORY_API_KEY]
`,
      { path: ".expeditor/build.pipeline.yml" },
    );
    expect(job(r, "build").secrets.map((s) => [s.name, s.via])).toEqual([
      ["account/static/habitat", "plugin"],
      ["account/static/other", "plugin"],
      ["ARTIFACTORY_API_KEY", "env"],
    ]);
    expect(job(r, "build").systems).toEqual([{ kind: "vault", id: null }]);
  });
});
