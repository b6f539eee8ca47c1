#!/usr/bin/env node
// Entry point of `gatehouse`: plain node, TypeScript through tsx's loader. tsx also
// resolves the JSON imports of @actions/workflow-parser that lack an import attribute.
import { register } from "tsx/esm/api";

register();
const { main } = await import("./main.ts");
process.exitCode = await main(process.argv.slice(2));
