// Speed of a cloud-trust evaluation (lib/trust-sources/evaluate-org.ts): an organisation of
// `repos` repositories, each with a deploy workflow (id-token: write, environment production,
// its own role) and a pull-request workflow (id-token: write), against acme's AWS export (three
// roles: by environment, repo:ORG/*, audience only) plus one role trusting each tenth repository
// exactly. Seeded as a sync would write it, then evaluated `runs` times in one transaction each
// (re-analysis from the stored files, the evaluator, every match written). Fresh database on the
// local PostgreSQL (or in-memory PGlite with --pglite), dropped afterwards. Prints progress, then
// every figure as one JSON object on the LAST line.
//
//   npm run bench:trust -- [--repos 25] [--runs 3] [--pglite]
//
//   evaluateMs   each run's wall time (ms), p50Ms its median
//   trusts, matches, repositories   what one evaluation stored and how many repositories it analysed
import { readFileSync } from "node:fs";
import { organizations, trusts, trustSources } from "../lib/db/schema";
import { GITHUB_ISSUER, loadPolicy } from "../lib/trust";
import type { AwsTrust, Trust } from "../lib/trust/types";
import { seedOrgFacts, seedRepo } from "../lib/testing/inventory";
import { evaluateOrgTrusts, type EvaluationFigures } from "../lib/trust-sources/evaluate-org";
import { benchAdminUrl, freshDatabase, log, peakRssMb, printFigures, runBench } from "./support";

function parseArgs(argv: string[]) {
  const args = { repos: 25, runs: 3, pglite: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--pglite") args.pglite = true;
    else if (a === "--repos" || a === "--runs") {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 1) throw new Error(`${a} needs a positive whole number`);
      args[a.slice(2) as "repos" | "runs"] = v;
    } else throw new Error(`unknown argument ${a}: use --repos N, --runs N, --pglite`);
  }
  return args;
}

const ACCOUNT = "210987654321";
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;

const deploy = (i: number) => `name: deploy
on:
  push:
    branches: [main]
jobs:
  deploy:
    runs-on: ubuntu-latest
    environment: production
    permissions:
      id-token: write
      contents: read
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: ${role(`deploy-${i}`)}
          aws-region: eu-west-1
      - run: ./deploy.sh
`;
const pr = `name: ci
on: pull_request
jobs:
  test:
    runs-on: ubuntu-latest
    permissions:
      id-token: write
      contents: read
    steps:
      - run: make test
`;

function exactRole(org: string, i: number): AwsTrust {
  return {
    provider: "aws",
    id: role(`deploy-${i}`),
    name: `deploy-${i}`,
    statements: [
      {
        effect: "Allow",
        principals: [`arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`],
        notPrincipals: null,
        actions: ["sts:AssumeRoleWithWebIdentity"],
        notActions: null,
        conditions: [
          { operator: "StringEquals", key: "token.actions.githubusercontent.com:aud", values: ["sts.amazonaws.com"] },
          { operator: "StringEquals", key: "token.actions.githubusercontent.com:sub", values: [`repo:${org}/r${i}:environment:production`] },
        ],
      },
    ],
  };
}

runBench(async () => {
  const args = parseArgs(process.argv.slice(2));
  const db = await freshDatabase(args.pglite ? { pglite: true } : { pglite: false, adminUrl: benchAdminUrl() });
  try {
    const { handle } = db;
    const slug = "acme";
    const [org] = await handle.db.insert(organizations).values({ slug, name: "bench" }).returning({ id: organizations.id });
    const target = { id: org!.id, slug };
    await seedOrgFacts(handle.db, target);
    log(`seeding ${args.repos} repositories`);
    for (let i = 0; i < args.repos; i++) {
      await seedRepo(handle.db, target, { githubId: 500_000 + i, name: `r${i}`, files: { ".github/workflows/deploy.yml": deploy(i), ".github/workflows/ci.yml": pr } });
    }
    const fixture = readFileSync(new URL("../lib/trust-sources/testdata/acme-aws-authorization-details.json", import.meta.url), "utf8");
    const documents: Trust[] = [...loadPolicy({ path: "acme.json", content: fixture }, GITHUB_ISSUER).trusts];
    for (let i = 0; i < args.repos; i += 10) documents.push(exactRole(slug, i));
    const [source] = await handle.db.insert(trustSources).values({ orgId: target.id, provider: "aws", name: "bench", kind: "upload", status: "ok", createdBy: "bench" }).returning({ id: trustSources.id });
    await handle.db.insert(trusts).values(documents.map((d) => ({ orgId: target.id, sourceId: source!.id, provider: d.provider, externalId: d.id, name: d.name, document: d, readAt: new Date() })));
    log(`${documents.length} trusts; evaluating ${args.runs} times`);
    const times: number[] = [];
    let last: EvaluationFigures | null = null;
    for (let r = 0; r < args.runs; r++) {
      const t = performance.now();
      last = await handle.db.transaction((tx) => evaluateOrgTrusts(tx, target.id));
      times.push(Math.round(performance.now() - t));
      log(`run ${r + 1}: ${times.at(-1)} ms, ${last.matches} matches`);
    }
    const sorted = [...times].sort((a, b) => a - b);
    printFigures({ repos: args.repos, database: args.pglite ? "pglite" : "postgres", trusts: last!.trusts, matches: last!.matches, repositories: last!.repositories, evaluateMs: times, p50Ms: sorted[Math.floor(sorted.length / 2)], peakRssMb: peakRssMb() });
  } finally {
    await db.handle.close();
    await db.drop();
  }
});
