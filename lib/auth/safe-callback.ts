/**
 * Where to send the user after sign-in: a path on this site, never anywhere else (an open
 * redirect after sign-in would be a phishing aid).
 *
 * The callback is parsed the way a browser parses a Location header — WHATWG URL rules:
 * tabs and newlines dropped, `\` read as `/`, dot segments resolved — against `origin`, and
 * accepted only when it lands on that same origin. The answer is always a path-absolute
 * reference (`/…`, never `//…`), so even a wrong `origin` cannot send the browser elsewhere.
 */
export function safeCallback(callback: string | undefined | null, origin: string): string {
  if (!callback) return "/";
  let base: URL;
  let url: URL;
  try {
    base = new URL(origin);
    url = new URL(callback, base);
  } catch {
    return "/";
  }
  if (url.origin !== base.origin) return "/";
  const path = `${url.pathname}${url.search}${url.hash}`;
  // `/.//host` resolves to the path `//host`, which as a Location would be protocol-relative.
  if (!path.startsWith("/") || path.startsWith("//")) return "/";
  return path;
}
