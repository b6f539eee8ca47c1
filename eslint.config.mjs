import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import noServerImportsInClient from "./eslint/no-server-imports-in-client.mjs";

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [".next/**", "node_modules/**", ".data/**", "test-results/**", "playwright-report/**", "db/migrations/**", "next-env.d.ts"],
  },
  {
    plugins: { gatehouse: { rules: { "no-server-imports-in-client": noServerImportsInClient } } },
    rules: {
      "gatehouse/no-server-imports-in-client": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": ["error", { allow: ["warn", "error"] }],
    },
  },
  {
    // Only lib/env.ts reads the environment; tooling, tests and the simulator may.
    files: ["app/**", "components/**", "lib/**"],
    ignores: ["lib/env.ts", "**/*.test.ts", "lib/testing/**"],
    rules: {
      "no-restricted-properties": ["error", { object: "process", property: "env", message: "Read settings through getEnv() in lib/env.ts." }],
    },
  },
  {
    // Command-line programs print their results.
    files: ["scripts/**", "bench/**", "cli/**", "sim/**/main.ts"],
    rules: { "no-console": "off" },
  },
  {
    files: ["instrumentation.ts"],
    rules: { "no-restricted-properties": "off" },
  },
];

export default config;
