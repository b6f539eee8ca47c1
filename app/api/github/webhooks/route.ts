import { getEnv } from "@/lib/env";
import { getDatabase } from "@/lib/db";
import { githubCredentials } from "@/lib/connections/credentials";
import { handleWebhook } from "@/lib/connections/webhooks";

/** GitHub App webhook deliveries: authenticated by their HMAC signature, not by a session. */
export async function POST(req: Request) {
  const creds = githubCredentials(getEnv());
  const result = await handleWebhook(
    await getDatabase(),
    creds.mode === "none" ? null : creds.webhookSecret,
    { event: req.headers.get("x-github-event"), delivery: req.headers.get("x-github-delivery"), signature: req.headers.get("x-hub-signature-256") },
    await req.text(),
  );
  return Response.json(result.body, { status: result.status });
}
