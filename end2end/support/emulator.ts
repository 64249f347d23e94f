import type { APIRequestContext } from "@playwright/test";
import { EMULATOR_URL } from "./env";

/** Client for the embedded emulator's test hooks (docs/emulator.md). */
export class Emulator {
  constructor(private readonly request: APIRequestContext) {}

  async reset(): Promise<void> {
    await this.ok(this.request.post(`${EMULATOR_URL}/_emulator/reset`));
  }

  async counters(): Promise<{ total: number; byRoute: Record<string, number> }> {
    const res = await this.ok(this.request.get(`${EMULATOR_URL}/_emulator/counters`));
    return res.json();
  }

  private async ok(pending: ReturnType<APIRequestContext["get"]>) {
    const res = await pending;
    if (!res.ok()) throw new Error(`emulator hook answered ${res.status()}: ${await res.text()}`);
    return res;
  }
}
