// Users of the simulated GitHub, for the OAuth web flow (`/login/oauth/*`) and the
// authenticated-user endpoints (`GET /user`, `GET /user/emails`).

export interface SimUserEmail {
  email: string;
  primary?: boolean;
  verified: boolean;
  visibility?: "public" | "private" | null;
}

export interface SimUserOptions {
  login: string;
  /** default: a stable number derived from the login */
  id?: number;
  name?: string | null;
  /**
   * The email GET /user shows (the public profile email); null keeps it private, as most
   * accounts do. GitHub does not promise it is one of the verified addresses below.
   */
  publicEmail?: string | null;
  /** What GET /user/emails lists. */
  emails: SimUserEmail[];
}

/** An OAuth app registered on the simulated GitHub. */
export interface SimOAuthAppOptions {
  clientId: string;
  clientSecret: string;
  /** The app's authorization callback URL; a redirect_uri must be on its host and under its path. */
  callbackUrl: string;
  name?: string;
}

/** OAuth scopes a grant holds, with GitHub's implications (`user` covers `read:user` and `user:email`). */
export function parseScopes(raw: string | null | undefined): string[] {
  const out = new Set<string>();
  for (const s of (raw ?? "").split(/[\s,]+/).filter(Boolean)) out.add(s);
  return [...out].sort();
}

export function hasScope(granted: readonly string[], scope: "read:user" | "user:email"): boolean {
  return granted.includes("user") || granted.includes(scope);
}

/** GitHub's rule for redirect_uri: same scheme, host and port as the callback URL, path at or under its path. */
export function redirectUriAllowed(callbackUrl: string, redirectUri: string): boolean {
  let cb: URL;
  let ru: URL;
  try {
    cb = new URL(callbackUrl);
    ru = new URL(redirectUri);
  } catch {
    return false;
  }
  if (cb.origin !== ru.origin) return false;
  const base = cb.pathname.endsWith("/") ? cb.pathname : `${cb.pathname}/`;
  return ru.pathname === cb.pathname || ru.pathname.startsWith(base);
}
