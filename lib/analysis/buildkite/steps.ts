import type { Node } from "yaml";
import type { YamlDoc } from "../yaml-docs";
import type { TextLines } from "./text";

// The shape a Buildkite pipeline file is read into (read.ts): a flat list of steps, each with the
// pipeline-level env, agents and secrets applied. Nothing here judges.

export type StepKind = "command" | "trigger" | "block" | "input";

export interface Located {
  text: string;
  line: number;
}

export interface EnvEntry {
  name: string;
  /** The value as written (scalars only); null for a list or mapping. */
  value: string | null;
  line: number;
  /** Set at pipeline level (every step gets it). */
  pipeline: boolean;
}

/** One entry of a `secrets:` key: the environment variable a Buildkite secret is exposed as. */
export interface SecretKey {
  env: string;
  /** The Buildkite secret's key (the list form names both the same). */
  key: string;
  line: number;
  pipeline: boolean;
}

export interface PluginUse {
  /** The reference as written (`docker#v5.1.0`, `org/name#sha`, `./local`, `$VAR`), env-resolved. */
  ref: string;
  line: number;
  /** The plugin's configuration node; null for `- plugin#v1` or `plugin: ~`. */
  config: Node | null;
}

export interface RawStep {
  kind: StepKind;
  /** 1-based position among the file's steps (waits not counted), for `step-N` ids. */
  position: number;
  line: number;
  key: string | null;
  label: string | null;
  group: string | null;
  /** `if:` of the step and of its group, as written. */
  conditions: Located[];
  branches: string[] | null;
  dependsOn: string[];
  concurrencyGroup: string | null;
  /** Agent query rules as `key=value`, the pipeline's filled in under the step's. */
  agents: string[];
  env: EnvEntry[];
  secrets: SecretKey[];
  commands: TextLines | null;
  plugins: PluginUse[];
  /** The pipeline slug a trigger step starts. */
  trigger: string | null;
  /** The step's mapping and the document's, for system extensions (Chef Expeditor's `expeditor:` key). */
  node: Node | null;
  pipelineNode: Node | null;
  /** The YAML document the step is in (its nodes resolve aliases through it). */
  doc: YamlDoc;
}

export interface Pipeline {
  steps: RawStep[];
  warnings: string[];
}
