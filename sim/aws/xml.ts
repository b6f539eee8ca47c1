// XML of IAM's Query API answers: `<XResponse xmlns=…><XResult>…</XResult><ResponseMetadata>`,
// lists as `<Name><member>…</member></Name>`, errors in `<ErrorResponse>` (reference
// cloud-trust.md §2.6). Values are escaped; policy documents are sent URL-encoded, as IAM does.

export const IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/";

/** A value, a nested list of nodes, or nothing (the element is omitted, as IAM omits unset members). */
export type XmlValue = string | number | boolean | null | undefined | XmlNode[];
export type XmlNode = [name: string, value: XmlValue];

function escape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

export function render(nodes: XmlNode[]): string {
  return nodes
    .map(([name, value]) => {
      if (value === null || value === undefined) return "";
      const inner = Array.isArray(value) ? render(value) : escape(String(value));
      return `<${name}>${inner}</${name}>`;
    })
    .join("");
}

/** `<Name><member>…</member>…</Name>` */
export function members(items: XmlValue[]): XmlNode[] {
  return items.map((v) => ["member", v] as XmlNode);
}

/** IAM sends every policy document RFC 3986-encoded. */
export function encodePolicy(document: string): string {
  return encodeURIComponent(document).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function successXml(action: string, result: XmlNode[] | null, requestId: string): string {
  const body = result === null ? "" : `<${action}Result>${render(result)}</${action}Result>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${IAM_NS}">${body}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
}

export function errorXml(type: "Sender" | "Receiver", code: string, message: string, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${IAM_NS}"><Error><Type>${type}</Type><Code>${escape(code)}</Code><Message>${escape(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}
