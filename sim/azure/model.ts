// What the Azure simulator serves: one tenant's app registrations (Microsoft Graph v1.0) and
// one subscription's user-assigned managed identities (ARM), each with federated identity
// credentials in the shapes Graph and ARM return (cloud-trust.md §4.3–4.4).

export interface AzureSimCredential {
  /** Graph: a GUID; ARM identities use the name in the resource id. */
  id?: string;
  name: string;
  issuer: string;
  subject: string | null;
  audiences: string[];
  description?: string | null;
}

export interface AzureSimApplication {
  /** Object id. */
  id: string;
  appId: string;
  displayName: string;
  federatedIdentityCredentials: AzureSimCredential[];
}

export interface AzureSimIdentity {
  name: string;
  resourceGroup: string;
  location: string;
  clientId: string;
  principalId: string;
  federatedIdentityCredentials: AzureSimCredential[];
}

export interface AzureSimFixture {
  tenantId: string;
  subscriptionId: string;
  applications: AzureSimApplication[];
  identities: AzureSimIdentity[];
}

/** A client-credentials app the token endpoint accepts. */
export interface AzureSimClient {
  clientId: string;
  clientSecret: string;
  /** `read` may list; `write` may also delete and create federated credentials. */
  access: "read" | "write";
}
