import { createHash } from "node:crypto";

// One AWS account's IAM as the simulator holds it. Policy documents are kept as the strings
// received (IAM returns what was written), parsed only to validate. Ids are derived from
// names so a fixture gives the same ids on every run.

export interface AwsSimRoleInput {
  name: string;
  /** `/` by default; `/aws-service-role/…` makes a service-linked role (UnmodifiableEntity on writes). */
  path?: string;
  description?: string;
  /** The trust policy: an object, or the JSON text. */
  trustPolicy: object | string;
  /** Inline policies by name. */
  inlinePolicies?: Record<string, object | string>;
  /** ARNs of attached managed policies (each must be in `managedPolicies`). */
  attachedPolicyArns?: string[];
  createDate?: string;
  maxSessionDuration?: number;
}

export interface AwsSimManagedPolicyInput {
  /** `arn:aws:iam::aws:policy/AdministratorAccess` (AWS managed) or `arn:aws:iam::ACCOUNT:policy/name`. */
  arn: string;
  description?: string;
  document: object | string;
}

export interface AwsSimOidcProviderInput {
  /** Without the scheme, as IAM returns it: `token.actions.githubusercontent.com`. */
  url: string;
  clientIds: string[];
  thumbprints?: string[];
}

export interface AwsSimAccountInput {
  accountId: string;
  roles: AwsSimRoleInput[];
  oidcProviders?: AwsSimOidcProviderInput[];
  managedPolicies?: AwsSimManagedPolicyInput[];
}

export interface SimRole {
  name: string;
  path: string;
  arn: string;
  id: string;
  description: string | undefined;
  trustPolicy: string;
  inline: Map<string, string>;
  attached: string[];
  createDate: string;
  maxSessionDuration: number;
}

export interface SimManagedPolicy {
  arn: string;
  name: string;
  path: string;
  id: string;
  description: string | undefined;
  document: string;
  createDate: string;
}

export interface SimOidcProvider {
  arn: string;
  url: string;
  clientIds: string[];
  thumbprints: string[];
  createDate: string;
}

const DEFAULT_DATE = "2024-01-15T09:30:00Z";

function fakeId(prefix: string, seed: string): string {
  const digest = createHash("sha256").update(seed).digest();
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let out = prefix;
  for (let i = 0; out.length < 21; i++) out += alphabet[(digest[i] as number) % 32];
  return out;
}

const text = (doc: object | string) => (typeof doc === "string" ? doc : JSON.stringify(doc));

export class AwsAccount {
  readonly accountId: string;
  readonly roles = new Map<string, SimRole>();
  readonly policies = new Map<string, SimManagedPolicy>();
  readonly providers = new Map<string, SimOidcProvider>();

  constructor(input: AwsSimAccountInput) {
    this.accountId = input.accountId;
    for (const p of input.managedPolicies ?? []) {
      const name = p.arn.split("/").pop() as string;
      const path = p.arn.slice(p.arn.indexOf(":policy") + ":policy".length, p.arn.length - name.length) || "/";
      this.policies.set(p.arn, { arn: p.arn, name, path, id: fakeId("ANPA", p.arn), description: p.description, document: text(p.document), createDate: DEFAULT_DATE });
    }
    for (const o of input.oidcProviders ?? []) {
      const arn = `arn:aws:iam::${this.accountId}:oidc-provider/${o.url}`;
      this.providers.set(arn, { arn, url: o.url, clientIds: [...o.clientIds], thumbprints: o.thumbprints ?? [], createDate: DEFAULT_DATE });
    }
    for (const r of input.roles) {
      const path = r.path ?? "/";
      for (const a of r.attachedPolicyArns ?? []) {
        if (!this.policies.has(a)) throw new Error(`role ${r.name}: attached policy ${a} is not in managedPolicies`);
      }
      this.roles.set(r.name, {
        name: r.name,
        path,
        arn: `arn:aws:iam::${this.accountId}:role${path}${r.name}`,
        id: fakeId("AROA", `${this.accountId}/${r.name}`),
        description: r.description,
        trustPolicy: text(r.trustPolicy),
        inline: new Map(Object.entries(r.inlinePolicies ?? {}).map(([k, v]) => [k, text(v)])),
        attached: [...(r.attachedPolicyArns ?? [])],
        createDate: r.createDate ?? DEFAULT_DATE,
        maxSessionDuration: r.maxSessionDuration ?? 3600,
      });
    }
  }

  attachmentCount(arn: string): number {
    return [...this.roles.values()].filter((r) => r.attached.includes(arn)).length;
  }
}
