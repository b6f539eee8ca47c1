// A whole sync in a process of its own, for tests that kill it (as `npm run demo` runs its
// start-up sync, outside the job queue), through the organisation's GitHub App connection.
// Usage, with DATABASE_URL, GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY in the environment:
//   node --import tsx --conditions=react-server lib/testing/sync-child.ts <orgId> <runId>
import { getEnv } from "@/lib/env";
import { getDatabase } from "@/lib/db";
import { githubCredentials } from "@/lib/connections/credentials";
import { findConnection } from "@/lib/connections/connection-repo";
import { dbEtagStore } from "@/lib/connections/etag-store";
import { createGithubClient } from "@/lib/github/client";
import { createOrgFetcher } from "@/lib/github/fetch";
import { SYNC_TOKEN_PERMISSIONS } from "@/lib/github/permissions";
import { runSync } from "@/lib/inventory/sync-service";

const [orgId, runId] = process.argv.slice(2);
if (!orgId || !runId) throw new Error("usage: sync-child.ts <orgId> <runId>");
const handle = await getDatabase();
const connection = await findConnection(handle.db, orgId);
const creds = githubCredentials(getEnv());
if (!connection?.installationId || creds.mode !== "app") throw new Error("the organisation needs an App connection and GITHUB_APP_* settings");
const client = createGithubClient({ kind: "app", baseUrl: connection.baseUrl, appId: creds.appId, privateKey: creds.privateKey, installationId: connection.installationId, account: connection.accountLogin, permissions: SYNC_TOKEN_PERMISSIONS });
process.stdout.write("sync started\n");
await runSync(handle.db, createOrgFetcher({ client, org: connection.accountLogin, etags: dbEtagStore(handle.db, orgId) }), { orgId, runId });
process.stdout.write("sync finished\n");
await handle.close();
process.exit(0);
