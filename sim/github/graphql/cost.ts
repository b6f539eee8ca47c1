import {
  GraphQLError,
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";

// GitHub's GraphQL cost model (docs: "Rate limits and query limits for the GraphQL API"):
// every connection needs one request per parent node (product of the enclosing first/last
// values); requests are summed, divided by 100 and rounded; the minimum cost is 1.
// Node limit: the sum of first/last products must stay ≤ 500,000; first/last must be 1..100 and
// every connection must provide one of them. Non-connection fields (repository(...) aliases,
// Tree.entries lists) add no requests, so 50 aliased repository lookups cost 1 point.

export interface QueryCost {
  cost: number;
  requests: number;
  nodeCount: number;
}

export const NODE_LIMIT = 500_000;

function intArg(value: ValueNode | undefined, variables: Record<string, unknown>): number | undefined {
  if (!value) return undefined;
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind === Kind.VARIABLE) {
    const v = variables[value.name.value];
    return typeof v === "number" ? v : undefined;
  }
  return undefined;
}

export function computeCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): QueryCost {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const acc = { requests: 1, nodeCount: 0 };

  const walk = (set: SelectionSetNode, parent: GraphQLNamedType | undefined, multiplier: number, seen: Set<string>): void => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        const type = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : parent;
        walk(sel.selectionSet, type ?? undefined, multiplier, seen);
        continue;
      }
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const frag = fragments.get(sel.name.value);
        if (frag && !seen.has(frag.name.value)) {
          walk(frag.selectionSet, schema.getType(frag.typeCondition.name.value) ?? undefined, multiplier, new Set([...seen, frag.name.value]));
        }
        continue;
      }
      if (!parent || !(isObjectType(parent) || isInterfaceType(parent))) continue;
      const field = parent.getFields()[sel.name.value];
      if (!field) continue;
      const named = getNamedType(field.type);
      let childMultiplier = multiplier;
      if (named.name.endsWith("Connection")) {
        const args = new Map(sel.arguments?.map((a) => [a.name.value, a.value]) ?? []);
        const first = intArg(args.get("first"), variables);
        const last = intArg(args.get("last"), variables);
        const n = first ?? last;
        if (n === undefined) {
          throw new GraphQLError(`You must provide a \`first\` or \`last\` value to properly paginate the \`${sel.name.value}\` connection.`);
        }
        if (n < 1 || n > 100) {
          throw new GraphQLError(
            `Requesting ${n} records on the \`${sel.name.value}\` connection exceeds the \`${first !== undefined ? "first" : "last"}\` limit of 100 records.`,
          );
        }
        acc.requests += multiplier;
        acc.nodeCount += multiplier * n;
        childMultiplier = multiplier * n;
      }
      if (sel.selectionSet) walk(sel.selectionSet, named, childMultiplier, seen);
    }
  };

  const root = operation.operation === "mutation" ? schema.getMutationType() : schema.getQueryType();
  walk(operation.selectionSet, root ?? undefined, 1, new Set());
  if (acc.nodeCount > NODE_LIMIT) {
    throw new GraphQLError(`By the time this query traverses to the nodes connection, it is requesting up to ${acc.nodeCount} possible nodes which exceeds the maximum limit of ${NODE_LIMIT}.`);
  }
  // the root query itself is the first request; only nested connections add to it
  const cost = Math.max(1, Math.round((acc.requests - 1) / 100));
  return { cost, requests: acc.requests, nodeCount: acc.nodeCount };
}
