import type { OrgData, RepoData, TeamData } from "../fixtures/model";

// Builders for GitHub's JSON object shapes (field names exactly as in the REST API).
// `api` is the simulator's base URL as seen by the client; html links point at github.com.

export const HTML = "https://github.com";

export function nodeId(kind: string, id: number): string {
  return Buffer.from(`0:${kind}${id}`).toString("base64").replace(/=+$/, "");
}

export function userShape(api: string, login: string, id: number, type: "User" | "Organization" | "Bot" = "User") {
  const u = `${api}/users/${login}`;
  return {
    login,
    id,
    node_id: nodeId(type === "Organization" ? "O_" : "U_", id),
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: "",
    url: u,
    html_url: `${HTML}/${login}`,
    followers_url: `${u}/followers`,
    following_url: `${u}/following{/other_user}`,
    gists_url: `${u}/gists{/gist_id}`,
    starred_url: `${u}/starred{/owner}{/repo}`,
    subscriptions_url: `${u}/subscriptions`,
    organizations_url: `${u}/orgs`,
    repos_url: `${u}/repos`,
    events_url: `${u}/events{/privacy}`,
    received_events_url: `${u}/received_events`,
    type,
    user_view_type: "public",
    site_admin: false,
  };
}

export function orgOwner(api: string, org: OrgData) {
  return userShape(api, org.login, org.id, "Organization");
}

export function orgSimple(api: string, org: OrgData) {
  const u = `${api}/orgs/${org.login}`;
  return {
    login: org.login,
    id: org.id,
    node_id: nodeId("O_", org.id),
    url: u,
    repos_url: `${u}/repos`,
    events_url: `${u}/events`,
    hooks_url: `${u}/hooks`,
    issues_url: `${u}/issues`,
    members_url: `${u}/members{/member}`,
    public_members_url: `${u}/public_members{/member}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${org.id}?v=4`,
    description: org.description,
  };
}

function repoUrls(api: string, full: string) {
  const u = `${api}/repos/${full}`;
  return {
    url: u,
    html_url: `${HTML}/${full}`,
    archive_url: `${u}/{archive_format}{/ref}`,
    assignees_url: `${u}/assignees{/user}`,
    blobs_url: `${u}/git/blobs{/sha}`,
    branches_url: `${u}/branches{/branch}`,
    collaborators_url: `${u}/collaborators{/collaborator}`,
    comments_url: `${u}/comments{/number}`,
    commits_url: `${u}/commits{/sha}`,
    compare_url: `${u}/compare/{base}...{head}`,
    contents_url: `${u}/contents/{+path}`,
    contributors_url: `${u}/contributors`,
    deployments_url: `${u}/deployments`,
    downloads_url: `${u}/downloads`,
    events_url: `${u}/events`,
    forks_url: `${u}/forks`,
    git_commits_url: `${u}/git/commits{/sha}`,
    git_refs_url: `${u}/git/refs{/sha}`,
    git_tags_url: `${u}/git/tags{/sha}`,
    git_url: `git://github.com/${full}.git`,
    hooks_url: `${u}/hooks`,
    issue_comment_url: `${u}/issues/comments{/number}`,
    issue_events_url: `${u}/issues/events{/number}`,
    issues_url: `${u}/issues{/number}`,
    keys_url: `${u}/keys{/key_id}`,
    labels_url: `${u}/labels{/name}`,
    languages_url: `${u}/languages`,
    merges_url: `${u}/merges`,
    milestones_url: `${u}/milestones{/number}`,
    notifications_url: `${u}/notifications{?since,all,participating}`,
    pulls_url: `${u}/pulls{/number}`,
    releases_url: `${u}/releases{/id}`,
    ssh_url: `git@github.com:${full}.git`,
    stargazers_url: `${u}/stargazers`,
    statuses_url: `${u}/statuses/{sha}`,
    subscribers_url: `${u}/subscribers`,
    subscription_url: `${u}/subscription`,
    tags_url: `${u}/tags`,
    teams_url: `${u}/teams`,
    trees_url: `${u}/git/trees{/sha}`,
    clone_url: `${HTML}/${full}.git`,
    mirror_url: null,
    svn_url: `${HTML}/${full}`,
  };
}

const ADMIN_PERMS = { admin: false, maintain: false, push: false, triage: false, pull: true };

/** The repository object used by list endpoints (minimal-repository) and webhooks. */
export function repoShape(api: string, org: OrgData, repo: RepoData) {
  const full = `${org.login}/${repo.name}`;
  return {
    id: repo.id,
    node_id: nodeId("R_", repo.id),
    name: repo.name,
    full_name: full,
    private: repo.visibility !== "public",
    owner: orgOwner(api, org),
    description: repo.description,
    fork: repo.fork,
    ...repoUrls(api, full),
    homepage: null,
    language: null,
    forks_count: 0,
    stargazers_count: 0,
    watchers_count: 0,
    size: repo.files.size,
    default_branch: repo.defaultBranch,
    open_issues_count: 0,
    is_template: false,
    topics: repo.topics,
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: repo.archived,
    disabled: false,
    visibility: repo.visibility,
    pushed_at: repo.pushedAt,
    created_at: repo.createdAt,
    updated_at: repo.updatedAt,
    permissions: ADMIN_PERMS,
    role_name: "read",
    license: null,
    allow_forking: repo.visibility === "public",
    web_commit_signoff_required: false,
    forks: 0,
    open_issues: 0,
    watchers: 0,
    custom_properties: repo.customProperties,
  };
}

/** GET /repos/{o}/{r} (full-repository). */
export function fullRepoShape(api: string, org: OrgData, repo: RepoData) {
  return {
    ...repoShape(api, org, repo),
    organization: orgOwner(api, org),
    network_count: 0,
    subscribers_count: 0,
  };
}

function teamSimple(api: string, org: OrgData, team: TeamData, permission: string) {
  const u = `${api}/organizations/${org.id}/team/${team.id}`;
  return {
    id: team.id,
    node_id: nodeId("T_", team.id),
    url: u,
    html_url: `${HTML}/orgs/${org.login}/teams/${team.slug}`,
    name: team.name,
    slug: team.slug,
    description: team.description,
    privacy: team.privacy,
    notification_setting: "notifications_enabled",
    permission,
    members_url: `${u}/members{/member}`,
    repositories_url: `${u}/repos`,
    type: "organization",
    organization_id: org.id,
  };
}

export function teamShape(api: string, org: OrgData, team: TeamData, permission = "pull") {
  const parent = team.parent ? org.teams.find((t) => t.slug === team.parent) : undefined;
  return { ...teamSimple(api, org, team, permission), parent: parent ? teamSimple(api, org, parent, "pull") : null };
}

export const PERMISSION_FLAGS: Record<string, Record<string, boolean>> = {
  pull: { pull: true, triage: false, push: false, maintain: false, admin: false },
  triage: { pull: true, triage: true, push: false, maintain: false, admin: false },
  push: { pull: true, triage: true, push: true, maintain: false, admin: false },
  maintain: { pull: true, triage: true, push: true, maintain: true, admin: false },
  admin: { pull: true, triage: true, push: true, maintain: true, admin: true },
};
