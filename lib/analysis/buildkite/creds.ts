import type { ExternalSystem, Identity, IdentityKind, SecretRef, SecretVia, SystemKind } from "../types";

// What one step holds, collected from its `secrets:`, env, plugins and commands.

export type OidcFacts = Pick<Identity, "audience" | "audienceSymbolic" | "lifetime" | "claims" | "sessionTags" | "subjectClaim">;

const ROLE_ARN = /^arn:aws[\w-]*:iam::(\d{12}):role\/[\w+=,.@/-]+$/;
const ANY_ARN = /^arn:aws[\w-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):/;

export class StepCreds {
  readonly secrets: SecretRef[] = [];
  readonly identities: Identity[] = [];
  readonly systems: ExternalSystem[] = [];
  idToken = false;
  /** Variables the file itself provides (`secrets:`, plugins): not from hooks or the agent. */
  readonly provided = new Set<string>();
  /** Deploy or publish work a plugin does (phase.ts cannot see plugins). */
  pluginPhase: "deploy" | "publish" | null = null;
  /** A plugin uploads generated steps (monorepo-diff). */
  uploads = false;

  secret(name: string, via: SecretVia, line: number): void {
    if (name === "" || this.secrets.some((s) => s.name === name && s.via === via)) return;
    this.secrets.push({ name, via, line });
  }

  identity(kind: IdentityKind, id: string | null, oidc: boolean, line: number, source: string, extra: Partial<Identity> = {}): Identity {
    const symbolic = id !== null && id.includes("$");
    const found: Identity = { kind, id, ...(symbolic ? { symbolic: true } : {}), oidc, line, source, ...extra };
    this.identities.push(found);
    return found;
  }

  /** Credential-named variables a plugin passes into a container by name (resolved in step-model.ts). */
  readonly passedOn: Array<{ name: string; line: number }> = [];

  /** A system; one with no id gives way to a known one of the same kind. */
  system(kind: SystemKind, id: string | null, heuristic = false): void {
    if (this.systems.some((s) => s.kind === kind && (s.id === id || id === null))) return;
    for (let i = this.systems.length - 1; i >= 0; i--) if (this.systems[i]?.kind === kind && this.systems[i]?.id === null) this.systems.splice(i, 1);
    const symbolic = id !== null && id.includes("$");
    this.systems.push({ kind, id, ...(symbolic ? { symbolic: true } : {}), ...(heuristic ? { heuristic: true } : {}) });
  }

  /** A Buildkite OIDC token the step mints (`buildkite-agent oidc request-token`, or a plugin that runs it). */
  oidc(line: number, source: string, facts: OidcFacts): Identity {
    this.idToken = true;
    const audience = facts.audience;
    return this.identity("buildkite-oidc", audience ?? null, true, line, source, {
      ...(audience !== undefined ? { audience, ...(facts.audienceSymbolic ? { audienceSymbolic: true } : {}) } : {}),
      ...(facts.lifetime !== undefined ? { lifetime: facts.lifetime } : {}),
      ...(facts.claims && facts.claims.length > 0 ? { claims: facts.claims } : {}),
      ...(facts.sessionTags && facts.sessionTags.length > 0 ? { sessionTags: facts.sessionTags } : {}),
      ...(facts.subjectClaim !== undefined ? { subjectClaim: facts.subjectClaim } : {}),
    });
  }

  /** An AWS role and the account its ARN names. */
  awsRole(arn: string | null, oidc: boolean, line: number, source: string, audience?: string): void {
    this.identity("aws-role", arn, oidc, line, source, audience !== undefined ? { audience } : {});
    this.awsAccountOf(arn);
  }

  awsAccountOf(arn: string | null): void {
    const account = arn === null ? undefined : (ROLE_ARN.exec(arn)?.[1] ?? ANY_ARN.exec(arn)?.[1]);
    this.system("aws-account", account ?? null);
  }
}
