import { z } from "zod";
import { DEFAULT_POLICY_MAX_BYTES } from "@/lib/trust";

// Inputs of the trust-source use-cases and reads. An uploaded export travels in the JSON body
// as { name, content } (the API takes JSON only); its size is checked in bytes by loadPolicy,
// the character cap here only stops a body far beyond it before parsing.

const orgSlug = z.string().min(1);
export const ProviderSchema = z.enum(["aws", "gcp", "azure", "vault"], { message: "must be aws, gcp, azure or vault" });

export const UploadFileSchema = z.object({
  name: z.string().trim().min(1, { message: "name the file (e.g. account-authorization-details.json)" }).max(200),
  content: z.string().min(1, { message: "the file is empty: export it again with --output json" }).max(DEFAULT_POLICY_MAX_BYTES, { message: "is larger than 16 MiB; export fewer roles" }),
});

const text = (max = 500) => z.string().trim().min(1).max(max).optional();

/** Non-secret settings; which ones a provider needs is checked in connection.ts. */
export const ConnectionSettingsSchema = z
  .object({
    region: text(40),
    endpoint: z.url({ message: "must be a URL (https://…)" }).optional(),
    roleArn: z.string().trim().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, { message: "must be a role ARN (arn:aws:iam::123456789012:role/name)" }).optional(),
    projectId: text(100),
    serviceAccountProjects: z
      .array(z.string().trim().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, { message: "must be project ids (6–30 lowercase letters, digits, -)" }))
      .max(50, { message: "name at most 50 projects" })
      .optional(),
    tokenUrl: z.url().optional(),
    tenantId: text(100),
    clientId: text(100),
    subscriptionId: text(100),
    loginEndpoint: z.url().optional(),
    graphEndpoint: z.url().optional(),
    armEndpoint: z.url().optional(),
    address: z.url({ message: "must be Vault's address (https://vault.example.com:8200)" }).optional(),
    mount: text(200),
    namespace: text(200),
  })
  .strict();

/** Secrets: sealed on arrival, never answered again. */
export const CredentialsSchema = z
  .object({
    accessKeyId: text(128),
    secretAccessKey: text(256),
    sessionToken: z.string().trim().min(1).max(4096).optional(),
    /** A Google Cloud service-account key, as the JSON file's text. */
    serviceAccountKey: z.string().trim().min(1).max(16_384).optional(),
    clientSecret: z.string().min(1).max(1024).optional(),
    /** Azure responder credentials: the responder's own app registration (read ones use settings.clientId). */
    clientId: text(100),
    token: z.string().min(1).max(4096).optional(),
  })
  .strict();

export const CreateTrustSourceSchema = z.object({
  orgSlug,
  name: z.string().trim().min(1, { message: "give the source a name (e.g. AWS production account)" }).max(100),
  provider: ProviderSchema,
  kind: z.enum(["upload", "api"], { message: "must be upload (an exported file) or api (a connection)" }),
  file: UploadFileSchema.optional(),
  settings: ConnectionSettingsSchema.default({}),
  /** api: `stored` (the credentials below, sealed) or `environment` (the provider's standard variables). */
  credentialsFrom: z.enum(["stored", "environment"]).optional(),
  credentials: CredentialsSchema.optional(),
  /** api, optional: write access for incident revocation — `stored` (sealed) or `environment` (the responder variables of lib/env.ts). */
  responderCredentialsFrom: z.enum(["stored", "environment", "none"]).default("none"),
  responderCredentials: CredentialsSchema.optional(),
});

export const TrustSourceRefSchema = z.object({ orgSlug, sourceId: z.uuid({ message: "must be a trust source id" }) });
export const ReadTrustSourceSchema = TrustSourceRefSchema.extend({ file: UploadFileSchema.optional() });
export const ListTrustsSchema = z.object({ orgSlug });
export const TrustRefSchema = z.object({ orgSlug, trustId: z.uuid({ message: "must be a trust id" }) });
export const SetResponderCredentialsSchema = z.object({
  orgSlug,
  sourceId: z.uuid({ message: "must be a trust source id" }),
  /** `none` removes write access: revocation falls back to the manual commands. */
  from: z.enum(["stored", "environment", "none"], { message: "must be stored (enter them now), environment (the server's responder variables) or none" }),
  credentials: CredentialsSchema.optional(),
});
