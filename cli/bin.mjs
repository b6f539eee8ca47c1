#!/usr/bin/env node
// Entry point of `gatehouse`: plain node, TypeScript through tsx's loader. tsx also
// resolves the JSON imports of @actions/workflow-parser that lack an import attribute.
import { register } from "tsx/esm/api";

register();
const { main } = await import("./main.ts");
// The CLI's one reading of its environment (the web app's is lib/env.ts): colour only on a
// terminal, and never when NO_COLOR is set (https://no-color.org).
process.exitCode = await main(process.argv.slice(2), { colour: process.stdout.isTTY === true && process.env.NO_COLOR === undefined });
