import { z } from "zod";

// What an organisation gives Gatehouse to reach Buildkite: the REST API's base URL, the
// organization's slug and an API access token. The token travels in an Authorization header,
// so plain http is refused except to this machine (a simulator beside Gatehouse).

export const BUILDKITE_API_URL = "https://api.buildkite.com";

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

export const BuildkiteConnectionSchema = z.object({
  apiUrl: z
    .string()
    .trim()
    .url({ message: "must be a URL such as https://api.buildkite.com" })
    .refine((v) => /^https:\/\//i.test(v) || (/^http:\/\//i.test(v) && LOOPBACK.has(new URL(v).hostname.toLowerCase())), {
      message: "must be an https:// URL (plain http only to a simulator on this machine), such as https://api.buildkite.com",
    })
    .transform((v) => v.replace(/\/+$/, ""))
    .default(BUILDKITE_API_URL),
  orgSlug: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9-]*$/, { message: "must be the organization's slug: the part after buildkite.com/ in its URL (letters, digits and dashes)" }),
  token: z
    .string()
    .trim()
    .min(1, { message: "must be a Buildkite API access token (Personal Settings → API Access Tokens)" }),
});

export type BuildkiteConnection = z.output<typeof BuildkiteConnectionSchema>;
