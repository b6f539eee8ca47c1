import "server-only";
import { GoogleAuth, type AuthClient } from "google-auth-library";
import { CloudReadError } from "../types";

// One authorised client for Google Cloud's IAM REST API, through google-auth-library: a
// service-account key (JWT-bearer grant) or, with no key, application default credentials.
// The library posts the key's assertion to Google's token endpoint whatever the key file's
// token_uri says; when a token URL is given (the key's token_uri, or conn.tokenUrl for a
// simulator or a private endpoint), a request interceptor on the library's own transport
// sends it there instead. Every failure becomes a CloudReadError with what to do.

export interface GcpConnection {
  /** The project holding the workload identity pools (id or number). */
  projectId: string;
  /** IAM API base; default https://iam.googleapis.com. */
  endpoint?: string;
  /** OAuth token endpoint; default the key's token_uri when it is not Google's, else Google's. */
  tokenUrl?: string;
  /** A service-account key JSON; null = application default credentials. */
  credentials: object | null;
  /** Projects whose service accounts may be impersonated through the pools; default [projectId]. */
  serviceAccountProjects?: string[];
}

export const GCP_SCOPE = "https://www.googleapis.com/auth/cloud-platform";
const GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token";

export interface GcpApi {
  readonly base: string;
  request<T>(method: "GET" | "POST" | "PATCH", path: string, body?: unknown): Promise<T>;
}

interface GaxiosLike {
  message: string;
  code?: string | number;
  status?: number;
  response?: { status: number; data?: unknown };
}

function googleMessage(data: unknown): string | null {
  if (typeof data !== "object" || data === null) return null;
  const e = (data as { error?: unknown; error_description?: unknown }).error;
  if (typeof e === "object" && e !== null && typeof (e as { message?: unknown }).message === "string") return (e as { message: string }).message;
  if (typeof e === "string") return `${e}${typeof (data as { error_description?: unknown }).error_description === "string" ? `: ${(data as { error_description: string }).error_description}` : ""}`;
  return null;
}

export function gcpError(error: unknown, what: string, projectId: string): CloudReadError {
  if (error instanceof CloudReadError) return error;
  const e = error as GaxiosLike;
  const status = e.response?.status ?? e.status;
  const detail = googleMessage(e.response?.data) ?? e.message;
  const url = (error as { config?: { url?: unknown } }).config?.url;
  const toToken = url !== undefined && String(url).includes("/token");
  if (/Could not load the default credentials/i.test(e.message)) {
    return new CloudReadError(`No Google Cloud credentials: upload a service-account key for the connection, or give the server application default credentials (GOOGLE_APPLICATION_CREDENTIALS).`, "credentials");
  }
  if (toToken || status === 401 || /invalid_grant|invalid_client|unauthorized_client/.test(detail)) {
    return new CloudReadError(`Google Cloud refused the credentials while ${what} (${detail}): upload a current key of the service account, and check that the account and key still exist.`, "credentials");
  }
  if (status === 403) {
    return new CloudReadError(`Google Cloud denied ${what} (${detail}): grant the connection's service account roles/iam.workloadIdentityPoolViewer on project ${projectId}, and roles/iam.securityReviewer to read service accounts' policies.`, "denied");
  }
  if (status === undefined) {
    return new CloudReadError(`Could not reach Google Cloud while ${what} (${detail}): check the endpoint and the network.`, "network");
  }
  return new CloudReadError(`Google Cloud answered ${status} while ${what} (${detail}).`, status === 404 ? "shape" : "network");
}

function tokenUrlOf(conn: GcpConnection): string | null {
  if (conn.tokenUrl !== undefined) return conn.tokenUrl;
  const uri = (conn.credentials as { token_uri?: unknown } | null)?.token_uri;
  return typeof uri === "string" && uri !== GOOGLE_TOKEN_URL ? uri : null;
}

export async function gcpApi(conn: GcpConnection): Promise<GcpApi> {
  const base = (conn.endpoint ?? "https://iam.googleapis.com").replace(/\/+$/, "");
  let client: AuthClient;
  try {
    const auth = new GoogleAuth({ scopes: [GCP_SCOPE], ...(conn.credentials !== null ? { credentials: conn.credentials } : {}) });
    client = await auth.getClient();
  } catch (error) {
    if (error instanceof Error && /client_email|private_key/.test(error.message)) {
      throw new CloudReadError(`The Google Cloud key is not a service-account key (${error.message}): upload the JSON key file of a service account.`, "credentials");
    }
    throw gcpError(error, "loading the credentials", conn.projectId);
  }
  const tokenUrl = tokenUrlOf(conn);
  if (tokenUrl !== null) {
    client.transporter.interceptors.request.add({
      resolved: async (options) => {
        if (options.url.href === GOOGLE_TOKEN_URL) options.url = new URL(tokenUrl);
        return options;
      },
    });
  }
  return {
    base,
    async request<T>(method: "GET" | "POST" | "PATCH", path: string, body?: unknown): Promise<T> {
      const res = await client.request<T>({ url: `${base}/${path.replace(/^\/+/, "")}`, method, ...(body !== undefined ? { data: body } : {}), retry: false });
      return res.data;
    },
  };
}
