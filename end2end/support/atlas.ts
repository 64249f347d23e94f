import { createHash, randomBytes } from "node:crypto";
import type { APIRequestContext } from "@playwright/test";
import { EMULATOR_URL } from "./env";
import type { Demo } from "./emulator";

const ACCEPT = "application/vnd.atlas.2023-01-01+json";

/**
 * Calls the emulator's Atlas Admin API directly, as any other Atlas client would (not
 * through the dashboard): a service account's OAuth token, then bearer calls; or an API key,
 * with HTTP Digest (RFC 7616, MD5, qop=auth: a challenge, then the signed request). For
 * changes "made outside the dashboard".
 */
export class DirectAtlas {
  private constructor(
    private readonly request: APIRequestContext,
    private readonly token: string,
    private readonly apiKey?: { publicKey: string; privateKey: string },
  ) {}

  static asApiKey(request: APIRequestContext, demo: Demo): DirectAtlas {
    return new DirectAtlas(request, "", demo.apiKey);
  }

  private async authorization(method: string, path: string): Promise<string> {
    if (!this.apiKey) return `Bearer ${this.token}`;
    const challenge = await this.request.fetch(`${EMULATOR_URL}${path}`, { method: "GET", headers: { Accept: ACCEPT } });
    const header = challenge.headers()["www-authenticate"] ?? "";
    const param = (name: string) => new RegExp(`${name}="?([^",]*)"?`).exec(header)?.[1] ?? "";
    const md5 = (s: string) => createHash("md5").update(s).digest("hex");
    const [realm, nonce, nc, cnonce] = [param("realm"), param("nonce"), "00000001", randomBytes(8).toString("hex")];
    const { publicKey, privateKey } = this.apiKey;
    const response = md5(`${md5(`${publicKey}:${realm}:${privateKey}`)}:${nonce}:${nc}:${cnonce}:auth:${md5(`${method}:${path}`)}`);
    return `Digest username="${publicKey}", realm="${realm}", nonce="${nonce}", uri="${path}", qop=auth, nc=${nc}, cnonce="${cnonce}", response="${response}", algorithm=MD5`;
  }

  static async asServiceAccount(request: APIRequestContext, demo: Demo): Promise<DirectAtlas> {
    const basic = Buffer.from(`${demo.serviceAccount.clientId}:${demo.serviceAccount.clientSecret}`).toString("base64");
    const res = await request.post(`${EMULATOR_URL}/api/oauth/token`, {
      headers: { Authorization: `Basic ${basic}`, Accept: "application/json" },
      form: { grant_type: "client_credentials" },
    });
    if (!res.ok()) throw new Error(`token: ${res.status()} ${await res.text()}`);
    return new DirectAtlas(request, (await res.json()).access_token);
  }

  /** One call; the answer's status and body text. */
  async call(method: "GET" | "POST" | "PUT" | "DELETE", path: string, body?: unknown): Promise<{ status: number; text: string }> {
    const res = await this.request.fetch(`${EMULATOR_URL}${path}`, {
      method,
      headers: { Authorization: await this.authorization(method, path), Accept: ACCEPT, "Content-Type": ACCEPT },
      data: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status(), text: await res.text() };
  }
}
