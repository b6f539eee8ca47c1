import { z } from "zod";
import { SourceCredentialsSchema } from "./connection";

// Inputs of the pipeline-source use-cases. Which settings a kind takes and which credentials it
// needs are checked in the service (with connection.ts' sentences), so a mistake names its field.

const orgSlug = z.string().min(1);
const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** https, or plain http to this machine only (a simulator beside Gatehouse): a token travels in the header. */
const endpoint = (example: string) =>
  z
    .string()
    .trim()
    .refine((v) => URL.canParse(v), { message: `must be a URL such as ${example}` })
    .refine((v) => !URL.canParse(v) || /^https:\/\//i.test(v) || (/^http:\/\//i.test(v) && LOOPBACK.has(new URL(v).hostname.toLowerCase())), {
      message: `must be an https:// URL (plain http only to a simulator on this machine), such as ${example}`,
    })
    .transform((v) => v.replace(/\/+$/, ""));

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Non-secret settings; buildkite takes orgSlug and apiUrl, kubernetes the rest (checked per kind in the service). */
export const PipelineSourceSettingsSchema = z
  .object({
    orgSlug: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z0-9][a-z0-9-]*$/, { message: "must be the organization's slug: the part after buildkite.com/ in its URL (letters, digits and dashes)" })
      .optional(),
    apiUrl: endpoint("https://api.buildkite.com").optional(),
    server: endpoint("https://10.0.0.1:6443").optional(),
    caData: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9+/=\s]+$/, { message: "must be the CA certificate as base64 (certificate-authority-data of a kubeconfig)" })
      .max(65_536)
      .optional(),
    context: z.string().trim().min(1).max(253).optional(),
    namespaces: z
      .array(z.string().trim().regex(DNS_LABEL, { message: "must be namespace names (lowercase letters, digits and -)" }).max(63))
      .max(100, { message: "name at most 100 namespaces (or none: every namespace the reader may list)" })
      .optional(),
  })
  .strict();

const PipelineSourceKindSchema = z.enum(["buildkite", "kubernetes"], { message: "must be buildkite (a Buildkite organization) or kubernetes (a cluster running Tekton)" });

export const CreatePipelineSourceSchema = z.object({
  orgSlug,
  name: z.string().trim().min(1, { message: "give the source a name (e.g. Buildkite: acme, or cluster acme-prod)" }).max(100, { message: "must be at most 100 characters" }),
  kind: PipelineSourceKindSchema,
  settings: PipelineSourceSettingsSchema.default({}),
  /** `stored`: the credentials below, sealed; `environment`: BUILDKITE_API_TOKEN, KUBECONFIG (or the pod's own account). */
  credentialsFrom: z.enum(["stored", "environment"], { message: "must be stored (enter the credentials now) or environment (the server's BUILDKITE_API_TOKEN or KUBECONFIG)" }),
  credentials: SourceCredentialsSchema.optional(),
  /** Optional write access for incident containment: `stored` (sealed) or `environment` (BUILDKITE_RESPONDER_TOKEN, KUBE_RESPONDER_KUBECONFIG). */
  responderCredentialsFrom: z.enum(["stored", "environment", "none"], { message: "must be stored, environment or none" }).default("none"),
  responderCredentials: SourceCredentialsSchema.optional(),
});

export const PipelineSourceRefSchema = z.object({ orgSlug, sourceId: z.uuid({ message: "must be a pipeline source id" }) });
export const ListPipelineSourcesSchema = z.object({ orgSlug });
export const SetPipelineResponderSchema = z.object({
  orgSlug,
  sourceId: z.uuid({ message: "must be a pipeline source id" }),
  /** `none` removes write access: containment falls back to the commands shown. */
  from: z.enum(["stored", "environment", "none"], { message: "must be stored (enter them now), environment (the server's responder variables) or none" }),
  credentials: SourceCredentialsSchema.optional(),
});
