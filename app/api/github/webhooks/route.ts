import { getEnv } from "@/lib/env";
import { getDatabase } from "@/lib/db";
import { githubCredentials } from "@/lib/connections/credentials";
import { receiveWebhook } from "@/lib/connections/webhooks";

/** GitHub App webhook deliveries: authenticated by their HMAC signature, not by a session. */
export async function POST(req: Request) {
  const creds = githubCredentials(getEnv());
  const result = await receiveWebhook(await getDatabase(), creds.mode === "none" ? null : creds.webhookSecret, req);
  return Response.json(result.body, { status: result.status });
}
