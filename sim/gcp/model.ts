// What the Google Cloud simulator serves: one project's workload identity pools and
// providers (IAM v1 resource shapes, minus output-only fields we compute), and service
// accounts with their IAM policies. Project ids and numbers both address the project.

export interface GcpSimProvider {
  id: string;
  displayName?: string;
  description?: string;
  disabled?: boolean;
  attributeMapping: Record<string, string>;
  attributeCondition?: string;
  oidc: { issuerUri: string; allowedAudiences?: string[] };
}

export interface GcpSimPool {
  id: string;
  displayName?: string;
  description?: string;
  disabled?: boolean;
  providers: GcpSimProvider[];
}

export interface GcpSimBinding {
  role: string;
  members: string[];
}

export interface GcpSimServiceAccount {
  email: string;
  displayName?: string;
  /** The project the account belongs to (may differ from the pools' project). */
  projectId: string;
  bindings: GcpSimBinding[];
}

export interface GcpSimFixture {
  projectId: string;
  projectNumber: string;
  pools: GcpSimPool[];
  serviceAccounts: GcpSimServiceAccount[];
}

/** A service-account key the token endpoint accepts: its email and the public half of its key. */
export interface GcpSimClient {
  clientEmail: string;
  publicKeyPem: string;
  /** `read` may list and get; `write` may also patch pools and providers. */
  access: "read" | "write";
}
