import "server-only";
/**
 * GitHub caps webhook payloads at 25 MB and does not send larger ones; anything bigger is
 * not GitHub. MB as GitHub counts it is a mebibyte here, the larger reading, so no genuine
 * delivery is refused.
 */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

export const TOO_LARGE = Symbol("too-large");

/**
 * The request body as bytes, read as a stream and abandoned as soon as it passes `max`
 * (a declared Content-Length over `max` is refused before anything is read), so a body
 * without Content-Length (chunked) is never buffered past the cap either.
 */
export async function readBodyCapped(req: Request, max = MAX_WEBHOOK_BYTES): Promise<Uint8Array | typeof TOO_LARGE> {
  const declared = Number(req.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > max) {
    await req.body?.cancel().catch(() => undefined);
    return TOO_LARGE;
  }
  if (!req.body) return new Uint8Array();
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => undefined);
      return TOO_LARGE;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
