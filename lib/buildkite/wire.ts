import { z } from "zod";

// The REST API v2 fields Gatehouse reads, as Buildkite documents them (pages/apis/rest_api in
// buildkite/docs; the structs of buildkite/go-buildkite). Only what is used is declared; other
// fields pass unread. Optional-and-nullable wherever the docs show null or leave a field out.

const text = z.string().nullable().optional();
const flag = z.boolean().nullable().optional();

export const AccessTokenWire = z.object({ uuid: z.string(), scopes: z.array(z.string()) });

export const OrganizationWire = z.object({ id: z.string(), slug: z.string(), name: z.string(), web_url: text });

export const PipelineWire = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  web_url: text,
  repository: z.string(),
  default_branch: text,
  branch_configuration: text,
  cluster_id: text,
  visibility: text,
  archived_at: text,
  configuration: text,
  steps: z.array(z.record(z.string(), z.unknown())).nullable().optional(),
  env: z.record(z.string(), z.unknown()).nullable().optional(),
  running_builds_count: z.number().nullable().optional(),
  scheduled_builds_count: z.number().nullable().optional(),
  provider: z
    .object({ id: z.string(), settings: z.record(z.string(), z.unknown()).nullable().optional() })
    .nullable()
    .optional(),
});
export type PipelineWire = z.infer<typeof PipelineWire>;

export const BuildWire = z.object({
  number: z.number(),
  state: z.string(),
  branch: text,
  commit: text,
  web_url: text,
  created_at: text,
  pull_request: z.object({ repository: text }).nullable().optional(),
});

export const ClusterWire = z.object({ id: z.string(), name: z.string(), description: text, web_url: text, default_queue_id: text });
export type ClusterWire = z.infer<typeof ClusterWire>;

export const QueueWire = z.object({
  id: z.string(),
  key: z.string(),
  description: text,
  dispatch_paused: flag,
  dispatch_paused_at: text,
  dispatch_paused_note: text,
});
export type QueueWire = z.infer<typeof QueueWire>;

export const AgentTokenWire = z.object({
  id: z.string(),
  description: text,
  allowed_ip_addresses: text,
  created_at: text,
  expires_at: text,
  created_by: z.object({ name: text, email: text }).nullable().optional(),
});

export const SecretWire = z.object({ id: z.string(), key: z.string(), description: text, policy: text, updated_at: text, last_read_at: text });

export const AgentWire = z.object({
  id: z.string(),
  name: z.string(),
  hostname: text,
  version: text,
  connected_at: text,
  meta_data: z.array(z.string()).nullable().optional(),
});

export const TeamWire = z.object({ id: z.string(), slug: z.string(), name: z.string(), privacy: text, default: flag });

export const TeamPipelineWire = z.object({ pipeline_id: z.string(), pipeline_url: text, access_level: z.string() });
