// A client component ("use client") is shipped to the browser: it must never import the
// database, the GitHub clients, drizzle, or any module marked server-only. Types are fine.
const FORBIDDEN = [
  /^@\/lib\/db(\/|$)/,
  /^@\/lib\/github(\/|$)/,
  /^@\/lib\/auth(\/|$)/,
  /^@\/lib\/http\/(define-|use-case)/,
  /^drizzle-orm(\/|$)/,
  /^pg$/,
  /^@electric-sql\/pglite/,
  /^pg-boss$/,
  /^octokit$/,
  /^@octokit\//,
  /^server-only$/,
  /^node:/,
];

/** @type {import("eslint").Rule.RuleModule} */
const rule = {
  meta: {
    type: "problem",
    docs: { description: "keep client components from importing server modules" },
    schema: [],
    messages: {
      forbidden:
        "'{{source}}' is server-only and cannot be imported by a \"use client\" module. Pass the data in as props, or call a server action.",
    },
  },
  create(context) {
    const body = context.sourceCode.ast.body;
    const isClient = body.some(
      (n) => n.type === "ExpressionStatement" && n.directive === "use client",
    );
    if (!isClient) return {};
    const check = (node, source, typeOnly) => {
      if (typeOnly || typeof source !== "string") return;
      if (FORBIDDEN.some((re) => re.test(source))) context.report({ node, messageId: "forbidden", data: { source } });
    };
    return {
      ImportDeclaration(node) {
        check(node, node.source.value, node.importKind === "type");
      },
      ImportExpression(node) {
        if (node.source.type === "Literal") check(node, node.source.value, false);
      },
    };
  },
};

export default rule;
