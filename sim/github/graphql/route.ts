import { execute, GraphQLError, getOperationAST, parse, validate, type DocumentNode } from "graphql";
import { isoSeconds } from "../../fixtures/dates";
import { HttpError, ok } from "../http";
import { bodyObject, type RouteDef } from "../router";
import { computeCost } from "./cost";
import { lookupOrganization, lookupRepository, type GqlContext } from "./resolve";
import { githubSchema } from "./schema";

// POST /graphql. Parse/validation errors answer 200 with `errors` (as GitHub does). The query's
// cost is charged to the caller's graphql budget before execution; an exhausted budget answers
// 403 with x-ratelimit-remaining: 0 and an error of type RATE_LIMITED (plugin-throttling reacts
// to both). Errors carry GitHub's top-level `type` (NOT_FOUND, FORBIDDEN…).

function errorBody(errors: readonly GraphQLError[]) {
  return {
    errors: errors.map((e) => ({
      ...(typeof e.extensions.type === "string" ? { type: e.extensions.type } : {}),
      ...(e.path ? { path: e.path } : {}),
      ...(e.locations ? { locations: e.locations } : {}),
      message: e.message,
    })),
  };
}

export const graphqlRoutes: RouteDef[] = [
  {
    method: "POST",
    path: "/graphql",
    auth: "token",
    free: true,
    handler: async (ctx) => {
      if (ctx.auth.kind !== "token") throw new HttpError(401, "Bad credentials");
      const body = bodyObject(ctx);
      if (typeof body.query !== "string") return ok(errorBody([new GraphQLError("A query attribute must be specified and must be a string.")]));
      const variables = (body.variables && typeof body.variables === "object" ? body.variables : {}) as Record<string, unknown>;
      const schema = githubSchema();
      let document: DocumentNode;
      try {
        document = parse(body.query);
      } catch (error) {
        return ok(errorBody([error as GraphQLError]));
      }
      const validationErrors = validate(schema, document);
      if (validationErrors.length > 0) return ok(errorBody(validationErrors));
      const operationName = typeof body.operationName === "string" ? body.operationName : null;
      const operation = getOperationAST(document, operationName);
      if (!operation) return ok(errorBody([new GraphQLError("Unknown operation")]));
      let cost;
      try {
        cost = computeCost(schema, document, operation, variables);
      } catch (error) {
        return ok(errorBody([error as GraphQLError]));
      }
      const core = ctx.core;
      const bucket = ctx.auth.record.bucket;
      if (!core.rateLimiter.charge(bucket, "graphql", cost.cost)) {
        const state = core.rateLimiter.state(bucket, "graphql");
        return {
          status: 403,
          headers: { ...core.rateLimiter.headers(state), "x-ratelimit-remaining": "0" },
          body: { errors: [{ type: "RATE_LIMITED", message: `API rate limit exceeded for installation ID ${ctx.auth.record.installationId ?? "pat"}.` }] },
        };
      }
      core.stats.graphqlPoints += cost.cost;
      const gctx: GqlContext = { core, token: ctx.auth.record, api: ctx.api };
      const rootValue = {
        repository: (args: { owner: string; name: string }) => lookupRepository(gctx, args.owner, args.name),
        organization: (args: { login: string }) => lookupOrganization(gctx, args.login),
        node: () => null,
        rateLimit: () => {
          const s = core.rateLimiter.state(bucket, "graphql");
          return { cost: cost.cost, limit: s.limit, nodeCount: cost.nodeCount, remaining: s.remaining, used: s.used, resetAt: isoSeconds(s.reset * 1000) };
        },
      };
      const result = await execute({ schema, document, rootValue, variableValues: variables, operationName, contextValue: gctx });
      return ok({ ...(result.errors ? errorBody(result.errors) : {}), data: result.data ?? null });
    },
  },
];
