import { isMap, type Node } from "yaml";
import { entriesOf, getIn, itemsOf, scalarText, type YamlDoc } from "../yaml-docs";
import { isCredentialName } from "./commands";
import type { StepCreds } from "./creds";

// Keys other tools add to Buildkite steps. Chef's Expeditor runs Buildkite pipelines whose
// steps (or whole file) carry `expeditor: { secrets: { ENV: { path, field } } }`: Vault paths
// its agent hooks read into the step's environment; its executors pass variables by name.

export function extensionSecrets(doc: YamlDoc, nodes: Array<Node | null>, creds: StepCreds): void {
  for (const node of nodes) {
    const expeditor = getIn(doc, node, "expeditor");
    readExpeditor(doc, getIn(doc, expeditor, "secrets"), creds);
    // `executor: { docker|linux|windows|macos: { environment: [NAME…] } }` passes variables in by name.
    for (const [, executor] of entriesOf(doc, getIn(doc, expeditor, "executor"))) {
      for (const item of itemsOf(doc, getIn(doc, executor, "environment"))) {
        const name = scalarText(doc, item);
        if (name !== null && !name.includes("=") && isCredentialName(name)) creds.passedOn.push({ name, line: doc.lineOf(item) });
      }
    }
  }
}

function readExpeditor(doc: YamlDoc, secrets: Node | undefined, creds: StepCreds): void {
  if (!isMap(secrets)) return;
  for (const [env, value, key] of entriesOf(doc, secrets)) {
    const path = scalarText(doc, getIn(doc, value, "path"));
    if (path === null) continue;
    creds.secret(path, "plugin", doc.lineOf(key));
    creds.provided.add(env);
    creds.system("vault", null);
  }
}
