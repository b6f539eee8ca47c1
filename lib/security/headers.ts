// The browser-facing security headers. Pure (no `server-only`): next.config.ts imports the
// static ones at build time, proxy.ts computes the per-request ones.

/** Sent with every response, static files included (next.config.ts). */
export const STATIC_SECURITY_HEADERS: readonly { key: string; value: string }[] = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  // Older browsers; the CSP's frame-ancestors 'none' says the same to current ones.
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  { key: "Cross-Origin-Resource-Policy", value: "same-origin" },
];

export interface PagePolicyOptions {
  /** Fresh for each request (newNonce); Next puts it on its own scripts and styles. */
  nonce: string;
  /** `next dev`: React needs eval for its debugging, and the dev server injects styles without the nonce. */
  development: boolean;
  /** The public URL is https: the browser upgrades any http:// sub-request instead of sending it in clear. */
  https: boolean;
  /** Origins a sign-in form may lead to: the OpenID provider, GitHub (the sign-in redirects there). */
  signInOrigins: readonly string[];
}

/**
 * The Content-Security-Policy of a page.
 * - Scripts: only those carrying this response's nonce, and what they load ('strict-dynamic');
 *   no inline handler, no eval (outside `next dev`), no other origin.
 * - Style elements and stylesheets: this origin's files and the nonce (Next's own).
 * - Style attributes are allowed ('unsafe-inline' for style-src-attr only). The blast-radius graph
 *   (@xyflow/react) positions every node, edge and the viewport with inline `style`, and React
 *   writes server-rendered `style={…}` props as attributes, which no nonce or hash can cover.
 *   A style attribute runs no script and, unlike a <style> element, has no selectors to read the
 *   page with; the url() it could name is held to this origin by img-src and font-src.
 * - Nothing may frame the app, change its base URL, or post a form anywhere but here and the
 *   sign-in provider; no plugins; fetches and websockets only to this origin.
 */
export function pageContentSecurityPolicy(o: PagePolicyOptions): string {
  const nonce = `'nonce-${o.nonce}'`;
  const directives = [
    "default-src 'self'",
    `script-src 'self' ${nonce} 'strict-dynamic'${o.development ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' ${o.development ? "'unsafe-inline'" : nonce}`,
    `style-src-elem 'self' ${o.development ? "'unsafe-inline'" : nonce}`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    `form-action 'self'${o.signInOrigins.map((s) => ` ${s}`).join("")}`,
    "frame-ancestors 'none'",
    ...(o.https ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}

/** API answers are data, never documents: nothing in them may run, load or be framed. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** HSTS, sent only when the public URL is https (browsers ignore it on http anyway). */
export const STRICT_TRANSPORT_SECURITY = "max-age=31536000";

/** 128 random bits, base64: what a CSP nonce must be (unguessable, fresh per response). */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

/** The origin of a URL setting (`https://login.example.com/realms/x` → `https://login.example.com`). */
export function originOf(url: string): string {
  return new URL(url).origin;
}
