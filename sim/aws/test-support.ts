import { IAMClient } from "@aws-sdk/client-iam";
import { ACME_AWS, ACME_AWS_KEYS } from "../fixtures/aws-acme";
import { startAwsSim, type AwsSim, type AwsSimAccessKey, type AwsSimOptions } from ".";

// Helpers for tests that talk to the AWS simulator through @aws-sdk/client-iam itself.

/** The acme account with the demo's keys, plus any extra keys or options. */
export function startAcmeAwsSim(extra: Partial<AwsSimOptions> & { keys?: AwsSimAccessKey[] } = {}): Promise<AwsSim> {
  const { keys = [], ...rest } = extra;
  return startAwsSim({ ...ACME_AWS, accessKeys: [ACME_AWS_KEYS.readOnly, ACME_AWS_KEYS.responder, ...keys], ...rest });
}

export function iam(sim: AwsSim, key: { accessKeyId: string; secretAccessKey: string }): IAMClient {
  return new IAMClient({ region: "us-east-1", endpoint: sim.url, credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey }, maxAttempts: 3 });
}
