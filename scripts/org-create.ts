// `npm run org:create -- <github-org-login> "<Display name>" [admin-email]`: creates a
// Gatehouse organisation (until GitHub connections create them) and, optionally, its first admin.
import { ConfigError, getEnv } from "@/lib/env";
import { openDatabase } from "@/lib/db/open";
import { prepareDatabase } from "@/lib/db/migrate";
import { memberships } from "@/lib/db/schema";
import { ensureOrg } from "@/lib/orgs/orgs-repo";
import { EmailSchema, OrgSlugSchema } from "@/lib/members/members-schema";

const [slugArg, nameArg, adminArg] = process.argv.slice(2);
const slug = OrgSlugSchema.safeParse(slugArg ?? "");
const admin = adminArg ? EmailSchema.safeParse(adminArg) : null;
if (!slug.success || (admin && !admin.success)) {
  process.stderr.write('Usage: npm run org:create -- <github-org-login> "<Display name>" [admin-email]\n');
  process.exit(2);
}
try {
  const env = getEnv();
  const handle = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
  try {
    await prepareDatabase(handle);
    const orgId = await ensureOrg(handle.db, slug.data, nameArg ?? slug.data);
    if (admin?.success) {
      await handle.db.insert(memberships).values({ orgId, email: admin.data, role: "admin", source: "manual" }).onConflictDoNothing();
    }
    process.stdout.write(`Organisation ${slug.data} is ready${admin?.success ? `; ${admin.data} is its admin` : ""}.\n`);
  } finally {
    await handle.close();
  }
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
  process.exit(1);
}
