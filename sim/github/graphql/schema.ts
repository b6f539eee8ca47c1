import { buildSchema, type GraphQLSchema } from "graphql";

// A faithful SUBSET of GitHub's public GraphQL schema: every type, field, argument and enum
// value below exists in GitHub's schema with the same name and type (argument lists trimmed to
// the ones the simulator honours). Add fields by copying them from GitHub's schema, never by
// inventing names.

export const SCHEMA_SDL = /* GraphQL */ `
scalar DateTime
scalar GitObjectID
scalar URI
scalar Base64String

interface Node {
  id: ID!
}

interface RepositoryOwner {
  avatarUrl(size: Int): URI!
  id: ID!
  login: String!
  url: URI!
}

interface GitObject {
  abbreviatedOid: String!
  commitUrl: URI!
  id: ID!
  oid: GitObjectID!
  repository: Repository!
}

enum OrderDirection { ASC DESC }
enum RepositoryOrderField { CREATED_AT NAME PUSHED_AT STARGAZERS UPDATED_AT }
enum RepositoryPrivacy { PRIVATE PUBLIC }
enum RepositoryVisibility { INTERNAL PRIVATE PUBLIC }
enum EnvironmentOrderField { NAME }
enum DeploymentProtectionRuleType { BRANCH_POLICY REQUIRED_REVIEWERS WAIT_TIMER }

input RepositoryOrder {
  direction: OrderDirection!
  field: RepositoryOrderField!
}

input Environments {
  direction: OrderDirection!
  field: EnvironmentOrderField!
}

type PageInfo {
  endCursor: String
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
}

type RateLimit {
  cost: Int!
  limit: Int!
  nodeCount: Int!
  remaining: Int!
  resetAt: DateTime!
  used: Int!
}

type Query {
  node(id: ID!): Node
  organization(login: String!): Organization
  rateLimit(dryRun: Boolean = false): RateLimit
  repository(followRenames: Boolean = true, name: String!, owner: String!): Repository
}

type Organization implements Node & RepositoryOwner {
  avatarUrl(size: Int): URI!
  databaseId: Int
  description: String
  id: ID!
  login: String!
  name: String
  repositories(
    after: String
    before: String
    first: Int
    isArchived: Boolean
    isFork: Boolean
    last: Int
    orderBy: RepositoryOrder
    privacy: RepositoryPrivacy
  ): RepositoryConnection!
  repository(followRenames: Boolean = true, name: String!): Repository
  url: URI!
}

type User implements Node & RepositoryOwner {
  avatarUrl(size: Int): URI!
  databaseId: Int
  id: ID!
  login: String!
  name: String
  url: URI!
}

type Team implements Node {
  combinedSlug: String!
  databaseId: Int
  id: ID!
  name: String!
  slug: String!
  url: URI!
}

type RepositoryConnection {
  nodes: [Repository]
  pageInfo: PageInfo!
  totalCount: Int!
  totalDiskUsage: Int!
}

type RepositoryTopic implements Node {
  id: ID!
  topic: Topic!
}

type Topic implements Node {
  id: ID!
  name: String!
}

type RepositoryTopicConnection {
  nodes: [RepositoryTopic]
  pageInfo: PageInfo!
  totalCount: Int!
}

type Repository implements Node {
  codeowners(refName: String): RepositoryCodeowners
  createdAt: DateTime!
  databaseId: Int
  defaultBranchRef: Ref
  deployKeys(after: String, before: String, first: Int, last: Int): DeployKeyConnection!
  description: String
  environments(
    after: String
    before: String
    first: Int
    last: Int
    names: [String!] = []
    orderBy: Environments = { field: NAME, direction: ASC }
  ): EnvironmentConnection!
  id: ID!
  isArchived: Boolean!
  isFork: Boolean!
  isPrivate: Boolean!
  name: String!
  nameWithOwner: String!
  object(expression: String, oid: GitObjectID): GitObject
  owner: RepositoryOwner!
  pushedAt: DateTime
  repositoryTopics(after: String, before: String, first: Int, last: Int): RepositoryTopicConnection!
  updatedAt: DateTime!
  url: URI!
  visibility: RepositoryVisibility!
}

type Ref implements Node {
  id: ID!
  name: String!
  prefix: String!
  repository: Repository!
  target: GitObject
}

type Commit implements GitObject & Node {
  abbreviatedOid: String!
  commitUrl: URI!
  committedDate: DateTime!
  id: ID!
  message: String!
  oid: GitObjectID!
  repository: Repository!
  tree: Tree!
}

type Tree implements GitObject & Node {
  abbreviatedOid: String!
  commitUrl: URI!
  entries: [TreeEntry!]
  id: ID!
  oid: GitObjectID!
  repository: Repository!
}

type TreeEntry {
  extension: String
  isGenerated: Boolean!
  lineCount: Int
  mode: Int!
  name: String!
  nameRaw: Base64String!
  object: GitObject
  oid: GitObjectID!
  path: String
  pathRaw: Base64String
  repository: Repository!
  size: Int!
  type: String!
}

type Blob implements GitObject & Node {
  abbreviatedOid: String!
  byteSize: Int!
  commitUrl: URI!
  id: ID!
  isBinary: Boolean
  isTruncated: Boolean!
  oid: GitObjectID!
  repository: Repository!
  text: String
}

type RepositoryCodeowners {
  errors: [RepositoryCodeownersError!]!
}

type RepositoryCodeownersError {
  column: Int!
  kind: String!
  line: Int!
  message: String!
  path: String!
  source: String!
  suggestion: String
}

type Environment implements Node {
  databaseId: Int
  id: ID!
  name: String!
  protectionRules(after: String, before: String, first: Int, last: Int): DeploymentProtectionRuleConnection!
}

type EnvironmentConnection {
  nodes: [Environment]
  pageInfo: PageInfo!
  totalCount: Int!
}

type DeploymentProtectionRule {
  databaseId: Int
  preventSelfReview: Boolean
  reviewers(after: String, before: String, first: Int, last: Int): DeploymentReviewerConnection!
  timeout: Int!
  type: DeploymentProtectionRuleType!
}

type DeploymentProtectionRuleConnection {
  nodes: [DeploymentProtectionRule]
  pageInfo: PageInfo!
  totalCount: Int!
}

union DeploymentReviewer = Team | User

type DeploymentReviewerConnection {
  nodes: [DeploymentReviewer]
  pageInfo: PageInfo!
  totalCount: Int!
}

type DeployKey implements Node {
  createdAt: DateTime!
  enabled: Boolean!
  id: ID!
  key: String!
  readOnly: Boolean!
  title: String!
  verified: Boolean!
}

type DeployKeyConnection {
  nodes: [DeployKey]
  pageInfo: PageInfo!
  totalCount: Int!
}
`;

let cached: GraphQLSchema | null = null;

export function githubSchema(): GraphQLSchema {
  cached ??= buildSchema(SCHEMA_SDL);
  return cached;
}
