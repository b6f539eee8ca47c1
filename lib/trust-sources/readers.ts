import "server-only";
import type { Provider } from "@/lib/trust/types";
import type { TrustSourceRead } from "@/lib/cloud/types";
import type { AwsConnection } from "@/lib/cloud/aws/client";
import type { GcpConnection } from "@/lib/cloud/gcp/client";
import type { AzureConnection } from "@/lib/cloud/azure/client";
import type { VaultConnection } from "@/lib/cloud/vault/client";
import { readAws } from "@/lib/cloud/aws/read";
import { readGcp } from "@/lib/cloud/gcp/read";
import { readAzure } from "@/lib/cloud/azure/read";
import { readVault } from "@/lib/cloud/vault/read";

// The one place an API trust source finds its cloud's reader: lib/cloud/<provider>/read.ts, the
// same in every process (web server, job process, worker) with no start-up step to forget. A
// test may install a function of its own for a provider (registerTrustReader); nothing else does.

// Each cloud's connection is its own client's type: one definition, the reader's.
export type { AwsConnection, GcpConnection, AzureConnection, VaultConnection };

export interface TrustConnections {
  aws: AwsConnection;
  gcp: GcpConnection;
  azure: AzureConnection;
  vault: VaultConnection;
}

export type TrustReader<P extends Provider> = (conn: TrustConnections[P]) => Promise<TrustSourceRead>;
export type TrustReaders = { [P in Provider]?: TrustReader<P> };

const registered: TrustReaders = {};

const READERS: { [P in Provider]: TrustReader<P> } = {
  aws: (conn) => readAws(conn),
  gcp: (conn) => readGcp(conn),
  azure: (conn) => readAzure(conn),
  vault: (conn) => readVault(conn),
};

/** Tests: replaces the reader of `provider` in this process (the last registration wins). */
export function registerTrustReader<P extends Provider>(provider: P, reader: TrustReader<P>): void {
  (registered as Record<Provider, unknown>)[provider] = reader;
}

/** The reader of `provider` (null is kept for a provider without one, which none is today). */
export function trustReaderFor<P extends Provider>(provider: P): TrustReader<P> | null {
  return (registered[provider] as TrustReader<P> | undefined) ?? (READERS[provider] as TrustReader<P>);
}
