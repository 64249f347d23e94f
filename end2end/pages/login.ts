import type { Locator, Page } from "@playwright/test";
import { waitForHydration } from "../support/fixtures";

export type Method = "API key" | "Service account";

export class LoginPage {
  readonly alert: Locator;
  readonly checkServer: Locator;
  readonly status: Locator;

  constructor(private readonly page: Page) {
    this.alert = page.getByRole("alert");
    this.checkServer = page.getByRole("button", { name: "Check server" });
    this.status = page.getByRole("status");
  }

  async open(next?: string): Promise<void> {
    await this.page.goto(next ? `/login?next=${encodeURIComponent(next)}` : "/login");
    await waitForHydration(this.page);
  }

  form(method: Method): Locator {
    return this.page.getByRole("form", { name: method });
  }

  async signIn(method: Method, id: string, secret: string): Promise<void> {
    const form = this.form(method);
    const [idLabel, secretLabel] =
      method === "API key" ? ["Public key", "Private key"] : ["Client ID", "Client secret"];
    await form.getByLabel(idLabel).fill(id);
    await form.getByLabel(secretLabel).fill(secret);
    await form.getByRole("button", { name: "Sign in" }).click();
  }
}
