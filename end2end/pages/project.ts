import type { Locator, Page } from "@playwright/test";
import { waitForHydration } from "../support/fixtures";

/** A project's page: one card per integration type. */
export class ProjectPage {
  readonly notice: Locator;
  readonly alert: Locator;

  constructor(private readonly page: Page) {
    this.notice = page.locator(".notice[role='status']");
    this.alert = page.getByRole("alert");
  }

  async open(groupId: string, opts: { hydrate?: boolean } = {}): Promise<void> {
    await this.page.goto(`/projects/${groupId}`);
    if (opts.hydrate ?? true) await waitForHydration(this.page);
  }

  card(type: string): Locator {
    return this.page.locator(`li.card[data-type='${type}']`);
  }
}

/** The configure / edit form of one integration type. */
export class IntegrationFormPage {
  readonly form: Locator;
  readonly alert: Locator;

  constructor(private readonly page: Page) {
    this.form = page.locator("form.integration-form");
    this.alert = page.getByRole("alert");
  }

  async open(groupId: string, type: string, opts: { hydrate?: boolean } = {}): Promise<void> {
    await this.page.goto(`/projects/${groupId}/integrations/${type}`);
    if (opts.hydrate ?? true) await waitForHydration(this.page);
  }

  field(label: string): Locator {
    return this.form.locator(".field").filter({ has: this.page.locator("label", { hasText: label }) });
  }

  /** The control labelled `label`; a required field's label also carries a " *" mark. */
  input(label: string): Locator {
    const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return this.form.getByLabel(new RegExp(`^${escaped}( \\*)?$`));
  }

  fieldError(label: string): Locator {
    return this.field(label).locator(".field-error");
  }

  /**
   * Types a new value into a secret: opens "Replace" first where the secret shows as set (a
   * write-only one, never shown, has a plain input instead).
   */
  async replaceSecret(label: string, value: string): Promise<void> {
    const details = this.field(label).locator("details");
    if ((await details.count()) > 0 && !(await details.evaluate((d) => (d as HTMLDetailsElement).open))) {
      await details.locator("summary").click();
    }
    await this.input(label).fill(value);
  }

  async submit(name: "Create" | "Save changes"): Promise<void> {
    await this.form.getByRole("button", { name }).click();
  }
}

/** The confirmation page of a deletion. */
export class DeletePage {
  constructor(private readonly page: Page) {}

  question(): Locator {
    return this.page.locator("main p").first();
  }

  async confirm(label: string): Promise<void> {
    await this.page.getByRole("button", { name: `Delete ${label}` }).click();
  }
}
