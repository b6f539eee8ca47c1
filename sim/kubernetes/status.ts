import { json, type CloudReply } from "../cloud/server";
import { qualifiedName, type KubeResource } from "./resources";

// Kubernetes' error body: a `Status` object (meta/v1), with the reason, code, message and
// details the API server sends (k8s.io/apimachinery/pkg/api/errors), so client-node's
// ApiException carries what a real cluster would.

interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
}

export function statusReply(code: number, reason: string, message: string, details?: StatusDetails): CloudReply {
  return json(code, { kind: "Status", apiVersion: "v1", metadata: {}, status: code < 400 ? "Success" : "Failure", ...(message === "" ? {} : { message }), reason, ...(details === undefined ? {} : { details }), code });
}

const detailsOf = (r: KubeResource, name: string | null): StatusDetails => ({ ...(name === null ? {} : { name }), ...(r.group === "" ? {} : { group: r.group }), kind: r.resource });

export const unauthorized = (): CloudReply => statusReply(401, "Unauthorized", "Unauthorized");

/** The authorizer's refusal, word for word (`… cannot list resource "secrets" in API group "" in the namespace "acme-ci"`). */
export function forbidden(user: string, verb: string, r: KubeResource, namespace: string | null, name: string | null): CloudReply {
  const subject = name === null ? qualifiedName(r) : `${qualifiedName(r)} "${name}"`;
  const where = namespace === null ? "at the cluster scope" : `in the namespace "${namespace}"`;
  return statusReply(403, "Forbidden", `${subject} is forbidden: User "${user}" cannot ${verb} resource "${r.resource}" in API group "${r.group}" ${where}`, detailsOf(r, name));
}

export const notFound = (r: KubeResource, name: string): CloudReply => statusReply(404, "NotFound", `${qualifiedName(r)} "${name}" not found`, detailsOf(r, name));

export const pathNotFound = (): CloudReply => statusReply(404, "NotFound", "the server could not find the requested resource", {});

export const badRequest = (message: string): CloudReply => statusReply(400, "BadRequest", message);

export const methodNotAllowed = (): CloudReply => statusReply(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", {});

/** A delete of a built-in object answers Success with the object's identity, not the object. */
export const deleted = (r: KubeResource, name: string, uid: string): CloudReply => json(200, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details: { ...detailsOf(r, name), uid } });
