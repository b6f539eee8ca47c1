import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { json, serveCloud, type CloudReply, type CloudRequest, type CloudServer } from "@/sim/cloud/server";
import { BuildkiteConnectionSchema } from "./connection";
import { readBuildkiteOrg } from "./read";

// The connection settings' schema, and how the client meets answers the simulator never gives:
// a foreign next-page link, a field of the wrong type, HTML instead of JSON, rate limits.

describe("BuildkiteConnectionSchema", () => {
  it("defaults the API URL, normalises the slug and refuses what would leak or cannot work, in sentences", () => {
    expect(BuildkiteConnectionSchema.parse({ orgSlug: " Acme ", token: "bkua_x" })).toEqual({ apiUrl: "https://api.buildkite.com", orgSlug: "acme", token: "bkua_x" });
    expect(BuildkiteConnectionSchema.parse({ apiUrl: "http://127.0.0.1:4100/", orgSlug: "acme", token: "t" }).apiUrl).toBe("http://127.0.0.1:4100");
    const bad = BuildkiteConnectionSchema.safeParse({ apiUrl: "http://buildkite.internal", orgSlug: "acme inc", token: " " });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([
      "apiUrl: must be an https:// URL (plain http only to a simulator on this machine), such as https://api.buildkite.com",
      "orgSlug: must be the organization's slug: the part after buildkite.com/ in its URL (letters, digits and dashes)",
      "token: must be a Buildkite API access token (Personal Settings → API Access Tokens)",
    ]);
  });
});

let server: CloudServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const SCOPES = ["read_organizations", "read_pipelines", "read_clusters", "read_agents"];

/** A server that answers the access token and organization as Buildkite does, and `pipelines` as given. */
async function fake(pipelines: (req: CloudRequest, url: string) => CloudReply): Promise<string> {
  let url = "";
  server = await serveCloud(0, (req) => {
    if (req.url.pathname === "/v2/access-token") return json(200, { uuid: "t", scopes: SCOPES });
    if (req.url.pathname === "/v2/organizations/acme") return json(200, { id: "o", slug: "acme", name: "Acme" });
    if (req.url.pathname === "/v2/organizations/acme/pipelines") return pipelines(req, url);
    return json(200, []);
  });
  url = server.url;
  return url;
}

const conn = (apiUrl: string) => ({ apiUrl, orgSlug: "acme", token: "bkua_t" });

describe("the Buildkite client", () => {
  it("asks for 100 a page, and never follows a next link to another origin", async () => {
    const asked: string[] = [];
    const url = await fake((req) => {
      asked.push(req.url.search);
      return json(200, [], { link: '<https://evil.example/v2/organizations/acme/pipelines?page=2>; rel="next"' });
    });
    await expect(readBuildkiteOrg(conn(url))).rejects.toMatchObject({
      kind: "shape",
      message: `Buildkite's next-page link for /v2/organizations/acme/pipelines points to https://evil.example, not ${url}; the token is not sent there.`,
    });
    expect(asked).toEqual(["?per_page=100"]);
  });

  it("names the field that is not what the REST API documents, and says when the answer is not JSON", async () => {
    const url = await fake(() => json(200, [{ id: "p", slug: 7, name: "x", repository: "r" }]));
    await expect(readBuildkiteOrg(conn(url))).rejects.toMatchObject({
      kind: "shape",
      message: expect.stringMatching(new RegExp(`^Buildkite's answer while listing the pipelines of acme is not what its REST API documents \\(0\\.slug: .+\\): check that ${url} is Buildkite's REST API\\.$`)),
    });
    const page = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end("<html>Sign in</html>"));
    await new Promise<void>((resolve) => page.listen(0, "127.0.0.1", resolve));
    const html = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;
    try {
      await expect(readBuildkiteOrg(conn(html))).rejects.toMatchObject({
        kind: "shape",
        message: `The Buildkite API at ${html} answered GET /v2/access-token with something other than JSON: check that the API URL is Buildkite's REST API.`,
      });
    } finally {
      await new Promise<void>((resolve) => page.close(() => resolve()));
    }
  });

  it("reports a rate limit with Buildkite's reset time and a server error as retryable", async () => {
    const limited = await fake(() => ({ status: 429, body: { message: "You have exceeded your rate limit" }, headers: { "ratelimit-reset": "42" } }));
    await expect(readBuildkiteOrg(conn(limited))).rejects.toMatchObject({ kind: "network", message: "Buildkite's rate limit was reached while listing the pipelines of acme: retry in 42 seconds." });
    await server?.close();
    const broken = await fake(() => json(502, { message: "Bad gateway" }));
    await expect(readBuildkiteOrg(conn(broken))).rejects.toMatchObject({ kind: "network", message: "Buildkite answered 502 while listing the pipelines of acme (Bad gateway): try again later." });
  });
});
