import "server-only";
import type { Provider } from "@/lib/trust/types";
import type { TrustSourceRead } from "@/lib/cloud/types";

// The one place an API trust source finds its cloud's reader (lib/cloud/<provider>/read.ts).
// The readers are handed in, not imported here, so this domain builds and tests without them:
// the server registers the real ones at start (see README.md, "Wiring the readers"); a test
// registers a function of its own. A provider with no reader registered is skipped on sync and
// refused, with a sentence, on "Read now".

export interface AwsConnection {
  region: string;
  endpoint?: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | null;
  roleArn?: string;
}
export interface GcpConnection {
  projectId: string;
  endpoint?: string;
  tokenUrl?: string;
  /** A service-account key JSON, or null for the environment's default credentials. */
  credentials: object | null;
}
export interface AzureConnection {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  subscriptionId?: string;
  loginEndpoint?: string;
  graphEndpoint?: string;
  armEndpoint?: string;
}
export interface VaultConnection {
  address: string;
  token: string;
  mount: string;
  namespace?: string;
}

export interface TrustConnections {
  aws: AwsConnection;
  gcp: GcpConnection;
  azure: AzureConnection;
  vault: VaultConnection;
}

export type TrustReader<P extends Provider> = (conn: TrustConnections[P]) => Promise<TrustSourceRead>;
export type TrustReaders = { [P in Provider]?: TrustReader<P> };

const registered: TrustReaders = {};

/** Installs the reader of `provider` (the last registration wins). */
export function registerTrustReader<P extends Provider>(provider: P, reader: TrustReader<P>): void {
  (registered as Record<Provider, unknown>)[provider] = reader;
}

/** The reader of `provider`, or null when none is installed in this process. */
export function trustReaderFor<P extends Provider>(provider: P): TrustReader<P> | null {
  return (registered[provider] as TrustReader<P> | undefined) ?? null;
}
