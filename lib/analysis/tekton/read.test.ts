import { describe, expect, it } from "vitest";
import { fileKindOf } from "../ci-system";
import { analyzeFiles } from "../index";
import { readCel } from "./cel";
import { baseTaskName, registryHost } from "./credentials";
import { substitute } from "./params";
import { annotationRefs, urlHasCommit } from "./refs";

describe("which files are Tekton", () => {
  it.each([
    ["a Task anywhere", "deploy/x.yaml", "apiVersion: tekton.dev/v1\nkind: Task\nmetadata: { name: t }\n"],
    ["a quoted v1beta1 PipelineRun", ".tekton/pr.yml", '"apiVersion": "tekton.dev/v1beta1"\n"kind": "PipelineRun"\n'],
    ["a ClusterTask", "x.yaml", "apiVersion: tekton.dev/v1beta1\nkind: ClusterTask\n"],
    ["a List of Tasks", "list.yaml", "apiVersion: v1\nkind: List\nitems:\n- apiVersion: tekton.dev/v1\n  kind: Task\n"],
    ["a TriggerTemplate's runs", "tt.yaml", "apiVersion: triggers.tekton.dev/v1beta1\nkind: TriggerTemplate\nspec:\n  resourcetemplates:\n    - apiVersion: tekton.dev/v1\n      kind: PipelineRun\n"],
    ["a Pipelines-as-Code Repository", "repo.yaml", 'apiVersion: "pipelinesascode.tekton.dev/v1alpha1"\nkind: Repository\n'],
    ["a Lighthouse TriggerConfig", ".lighthouse/jx/triggers.yaml", "apiVersion: config.lighthouse.jenkins-x.io/v1alpha1\nkind: TriggerConfig\n"],
    ["a Tekton Triggers EventListener (it says what starts a TriggerTemplate's runs)", "el.yaml", "apiVersion: triggers.tekton.dev/v1beta1\nkind: EventListener\n"],
    ["a Tekton Triggers Trigger", "trigger.yaml", "apiVersion: triggers.tekton.dev/v1beta1\nkind: Trigger\n"],
    ["CRLF line ends", "crlf.yaml", "apiVersion: tekton.dev/v1\r\nkind: Pipeline\r\n"],
  ])("%s", (_what, path, text) => {
    expect(fileKindOf(path, text)).toBe("tekton");
  });

  it.each([
    ["a TriggerBinding", "apiVersion: triggers.tekton.dev/v1beta1\nkind: TriggerBinding\n"],
    ["a Deployment", "apiVersion: apps/v1\nkind: Deployment\n"],
    ["a tekton.dev kind that is not a pipeline", "apiVersion: tekton.dev/v1alpha1\nkind: Run\n"],
    ["a Repository of another group", "apiVersion: example.com/v1\nkind: Repository\n"],
  ])("not %s", (_what, text) => {
    expect(fileKindOf("x.yaml", text)).toBeNull();
  });
});

describe("small readers", () => {
  it("substitutes params in every spelling, once, leaving unknown ones", () => {
    const scope = new Map([["a", "1"], ["b", "$(params.a)"]]);
    expect(substitute(`$(params.a)-$(params["a"])-$(params['b'])-$(params.c)`, scope)).toBe("1-1-$(params.a)-$(params.c)");
  });

  it("reads registry hosts and catalog task names", () => {
    expect(registryHost("quay.io/org/app:{{revision}}")).toBe("quay.io");
    expect(registryHost("localhost:5000/app")).toBe("localhost:5000");
    expect(registryHost("app:latest")).toBeNull();
    expect(registryHost("$(params.image)")).toBeNull();
    expect(baseTaskName("quay.io/konflux-ci/tekton-catalog/task-buildah-remote-oci-ta:0.4@sha256:abc")).toBe("buildah");
  });

  it("reads annotation lists and URLs at a commit", () => {
    expect(annotationRefs("[git-clone, https://x.test/a/b.yaml, ./.tekton/t.yaml]", 3).map((a) => [a.uses, a.pinned, a.name])).toEqual([
      ["hub:git-clone@latest", false, "git-clone"],
      ["https://x.test/a/b.yaml", false, "b"],
      ["./.tekton/t.yaml", true, "t"],
    ]);
    expect(urlHasCommit(`https://raw.githubusercontent.com/o/r/${"a".repeat(40)}/x.yaml`)).toBe(true);
    expect(urlHasCommit("https://raw.githubusercontent.com/o/r/refs/heads/main/x.yaml")).toBe(false);
  });
});

// Text in Tekton files comes from repositories Gatehouse does not control: every pattern over it
// must run in linear time (lib/analysis/README.md). 1 MB of each trigger word, under a second.
describe("linear on hostile text", () => {
  const MB = 1024 * 1024;
  const WORDS = [
    " ", "\t", "- ", "apiVersion: ", "kind: ", "tekton.dev/v1", "buildah push ", "skopeo copy ", "executor ", "--destination",
    "oc apply ", "kubectl apply ", "$(params.", "$(params[\"", "{{ git_auth_secret }}", "event == ", "(", "source_branch.",
    "github-token-", "-oci-ta", "task-", "@sha256:", "/", "a", "_TOKEN", "gh_", "ecr-",
  ];
  const repeat = (w: string) => w.repeat(Math.ceil(MB / w.length));

  it.each(WORDS)("%j", (word) => {
    const text = repeat(word);
    const started = performance.now();
    fileKindOf("x.yaml", text);
    readCel(text);
    substitute(text, new Map([["x", "y"]]));
    baseTaskName(text);
    registryHost(text);
    urlHasCommit(text);
    const task = `apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  name: t\nspec:\n  params:\n    - name: ${JSON.stringify(text.slice(0, 4096))}\n  steps:\n    - name: s\n      image: alpine\n      script: ${JSON.stringify(text)}\n`;
    const r = analyzeFiles([{ path: "t.yaml", content: task }], undefined, { limits: { maxBytes: 4 * MB } });
    expect(r.errors).toEqual([]);
    expect(performance.now() - started).toBeLessThan(1500);
  });
});
