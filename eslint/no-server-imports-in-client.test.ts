import { RuleTester } from "eslint";
import { describe, it } from "vitest";
import rule from "./no-server-imports-in-client.mjs";

// RuleTester throws on any mismatch; vitest reports the throw as a failure.
RuleTester.describe = describe;
RuleTester.it = it;

const tester = new RuleTester({ languageOptions: { ecmaVersion: 2022, sourceType: "module" } });

tester.run("no-server-imports-in-client", rule, {
  valid: [
    { code: `"use client";\nimport { ROLES } from "@/lib/authz/roles";` },
    { code: `import { getDatabase } from "@/lib/db";` },
    { code: `"use server";\nimport { getDatabase } from "@/lib/db";` },
  ],
  invalid: [
    { code: `"use client";\nimport { getDatabase } from "@/lib/db";`, errors: [{ messageId: "forbidden" }] },
    { code: `"use client";\nimport { eq } from "drizzle-orm";`, errors: [{ messageId: "forbidden" }] },
    { code: `"use client";\nimport { Octokit } from "@/lib/github/client";`, errors: [{ messageId: "forbidden" }] },
    { code: `"use client";\nconst m = import("@/lib/db/schema");`, errors: [{ messageId: "forbidden" }] },
  ],
});
