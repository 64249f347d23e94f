import type { APIRequestContext } from "@playwright/test";
import { EMULATOR_URL } from "./env";
import type { Demo } from "./emulator";

const ACCEPT = "application/vnd.atlas.2023-01-01+json";

/**
 * Calls the emulator's Atlas Admin API directly, as any other Atlas client would (not
 * through the dashboard): a service account's OAuth token, then bearer calls. For changes
 * "made outside the dashboard".
 */
export class DirectAtlas {
  private constructor(
    private readonly request: APIRequestContext,
    private readonly token: string,
  ) {}

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
      headers: { Authorization: `Bearer ${this.token}`, Accept: ACCEPT, "Content-Type": ACCEPT },
      data: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status(), text: await res.text() };
  }
}
