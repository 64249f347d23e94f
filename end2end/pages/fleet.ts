import type { Locator, Page } from "@playwright/test";
import { expect, waitForHydration } from "../support/fixtures";

const exactLabel = (label: string) => new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}( \\*)?$`);

/** "Apply to many projects": the type's form once, the projects ticked, then "Preview". */
export class ApplyPage {
  readonly form: Locator;

  constructor(private readonly page: Page) {
    this.form = page.locator("form.fleet-apply");
  }

  async open(type: string, projectIds: string[]): Promise<void> {
    await this.page.goto(`/fleet/apply?type=${type}&projects=${projectIds.join(",")}`);
    await waitForHydration(this.page);
  }

  /** A control of the type's form (a required field's label carries a " *" mark). */
  input(label: string): Locator {
    return this.form.locator("fieldset.integration-form").getByLabel(exactLabel(label));
  }

  project(name: string): Locator {
    return this.form.getByRole("checkbox", { name, exact: true });
  }

  async preview(): Promise<RunPage> {
    await this.form.getByRole("button", { name: "Preview" }).click();
    const run = new RunPage(this.page);
    await run.waitForPreview();
    return run;
  }
}

/** "Rotate a secret everywhere": type and field, the old secret's hint, the projects. */
export class RotatePage {
  readonly form: Locator;

  constructor(private readonly page: Page) {
    this.form = page.locator("form.fleet-rotate");
  }

  async open(): Promise<void> {
    await this.page.goto("/fleet/rotate");
    await waitForHydration(this.page);
  }

  async choose(typeLabel: string, fieldLabel?: string): Promise<void> {
    await this.page.getByLabel("Integration type").selectOption({ label: typeLabel });
    await this.page.getByRole("button", { name: "Continue" }).click();
    if (fieldLabel) {
      await this.page.getByLabel("Secret to rotate").selectOption({ label: fieldLabel });
      await this.page.getByRole("button", { name: "Continue" }).click();
    }
    await waitForHydration(this.page);
  }

  /** The distinct hints the fleet shows: a link each, with its count beside it. */
  hintGroup(shown: string): Locator {
    return this.page.locator("ul.hint-groups li").filter({ hasText: shown });
  }

  async pickHint(shown: string): Promise<void> {
    await this.hintGroup(shown).getByRole("link").click();
    await waitForHydration(this.page);
  }

  async typeHint(label: RegExp, hint: string): Promise<void> {
    await this.page.getByLabel(label).fill(hint);
    await this.page.getByRole("button", { name: "Find projects" }).click();
    await waitForHydration(this.page);
  }

  project(name: string): Locator {
    return this.form.getByRole("checkbox", { name, exact: true });
  }

  /** The new value's input (labelled by the field, in the "New value" group). */
  newValue(): Locator {
    return this.form.locator("#rotate-new");
  }

  async otherSecret(fieldLabel: string, value: string): Promise<void> {
    const details = this.form.locator("details.other-secrets");
    await details.locator("summary").click();
    await details.getByLabel(fieldLabel, { exact: true }).fill(value);
  }

  async preview(): Promise<RunPage> {
    await this.form.getByRole("button", { name: "Preview" }).click();
    const run = new RunPage(this.page);
    await run.waitForPreview();
    return run;
  }
}

/** A fleet run's page: preview and confirmation, progress, report, "retry the failed". */
export class RunPage {
  readonly status: Locator;

  constructor(private readonly page: Page) {
    this.status = page.locator("p.run-status");
  }

  async waitForPreview(): Promise<void> {
    await expect(this.page).toHaveURL(/\/fleet\/runs\/[0-9a-f]{32}$/);
    await expect(this.page.getByRole("heading", { name: "Preview: nothing has been sent yet" })).toBeVisible();
    await waitForHydration(this.page);
  }

  row(groupId: string): Locator {
    return this.page.locator(`table.fleet-run tr[data-project='${groupId}']`);
  }

  plan(groupId: string): Locator {
    return this.row(groupId).locator("td.plan");
  }

  progress(groupId: string): Locator {
    return this.row(groupId).locator("td.progress");
  }

  /** Confirms, then waits for the report (the progress island reloads the page at the end). */
  async confirmAndWait(): Promise<void> {
    await this.page.getByRole("button", { name: "Confirm and send" }).click();
    await this.waitFinished();
  }

  /** Retries the failed projects, then waits for the report to show `tally`. */
  async retryFailedAndWait(tally: string): Promise<void> {
    await this.page.getByRole("button", { name: "Retry the failed projects" }).click();
    await expect(this.status).toContainText(tally, { timeout: 30_000 });
    await this.waitFinished();
  }

  async waitFinished(): Promise<void> {
    await expect(this.status).toContainText("Finished.", { timeout: 30_000 });
    await waitForHydration(this.page);
  }
}
