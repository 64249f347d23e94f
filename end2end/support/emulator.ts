import type { APIRequestContext, APIResponse } from "@playwright/test";
import { EMULATOR_URL, HOOK_HEADERS } from "./env";

export type Demo = {
  apiKey: { publicKey: string; privateKey: string };
  readOnlyKey: { publicKey: string; privateKey: string };
  emptyKey: { publicKey: string; privateKey: string };
  sandboxKey: { publicKey: string; privateKey: string };
  serviceAccount: { clientId: string; clientSecret: string };
  projects: { id: string; name: string }[];
  secrets: Record<string, string>;
};

export type Fault = {
  method?: string | null;
  pathPrefix: string;
  status?: number | null;
  retryAfterSecs?: number | null;
  rate?: number;
  count?: number | null;
  latencyMs?: number;
  malformedBody?: boolean;
  dropConnection?: boolean;
  hugeBody?: boolean;
};

/** Client for the embedded emulator's test hooks (crates/atlas-emulator/README.md). */
export class Emulator {
  constructor(private readonly request: APIRequestContext) {}

  async reset(): Promise<void> {
    await this.ok(this.request.post(`${EMULATOR_URL}/_emulator/reset`, { headers: HOOK_HEADERS }));
  }

  /** The demo organisation's credentials and projects, from the emulator itself. */
  async demo(): Promise<Demo> {
    return (await this.ok(this.request.get(`${EMULATOR_URL}/_emulator/demo`, { headers: HOOK_HEADERS }))).json();
  }

  /** Requests "Atlas" received since its reset: in all, by route, and by how they authenticated
   * (`digestChallenge`: answered 401 with a Digest challenge, counted under its route too). */
  async counters(): Promise<{ total: number; byRoute: Record<string, number>; byAuth: Record<string, number> }> {
    return (await this.ok(this.request.get(`${EMULATOR_URL}/_emulator/counters`, { headers: HOOK_HEADERS }))).json();
  }

  /** What "Atlas" stored for a type, secrets in clear; null when not configured. */
  async stored(groupId: string, type: string): Promise<Record<string, unknown> | null> {
    const res = await this.request.get(`${EMULATOR_URL}/_emulator/state/groups/${groupId}/integrations/${type}`, { headers: HOOK_HEADERS });
    if (res.status() === 404) return null;
    if (!res.ok()) throw new Error(`state hook answered ${res.status()}`);
    return res.json();
  }

  /** One alert configuration as "Atlas" stored it, its notifications' keys in clear. */
  async alertConfig(groupId: string, id: string): Promise<AlertConfig> {
    const url = `${EMULATOR_URL}/_emulator/state/groups/${groupId}/alertConfigs/${id}`;
    return (await this.ok(this.request.get(url, { headers: HOOK_HEADERS }))).json();
  }

  async putMode(mode: "merge" | "replace"): Promise<void> {
    await this.ok(this.request.post(`${EMULATOR_URL}/_emulator/put-mode`, { headers: HOOK_HEADERS, data: { mode } }));
  }

  async addFault(fault: Fault): Promise<void> {
    await this.ok(this.request.post(`${EMULATOR_URL}/_emulator/faults`, { headers: HOOK_HEADERS, data: { rate: 1.0, ...fault } }));
  }

  async clearFaults(): Promise<void> {
    await this.ok(this.request.delete(`${EMULATOR_URL}/_emulator/faults`, { headers: HOOK_HEADERS }));
  }

  private async ok(pending: Promise<APIResponse>): Promise<APIResponse> {
    const res = await pending;
    if (!res.ok()) throw new Error(`emulator hook ${res.url()} answered ${res.status()}: ${await res.text()}`);
    return res;
  }
}
