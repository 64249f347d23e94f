import { test, expect, httpStatus } from "../support/fixtures";
import { signIn } from "../support/session";
import { SAMPLES, type Sample } from "../support/samples";
import { DeletePage, IntegrationFormPage, ProjectPage } from "../pages/project";
import type { Emulator } from "../support/emulator";
import type { Page } from "@playwright/test";

const lastFour = (s: string) => s.slice(-4);

async function fillCreate(form: IntegrationFormPage, s: Sample) {
  for (const [label, value] of Object.entries(s.create)) await form.input(label).fill(value);
  for (const [label, option] of Object.entries(s.selects ?? {})) await form.input(label).selectOption(option);
}

async function save(page: Page, groupId: string, s: Sample, button: "Create" | "Save changes") {
  const form = new IntegrationFormPage(page);
  await form.submit(button);
  if (s.type === "PROMETHEUS") {
    // The password is shown once, with a scrape configuration, before going back.
    await expect(page.getByRole("heading", { name: "Saved" })).toBeVisible();
    await expect(page.locator(".prometheus-done pre")).toContainText(`/groups/${groupId}/discovery`);
    await page.getByRole("link", { name: "Back to the project" }).click();
  } else {
    await expect(page).toHaveURL(new RegExp(`/projects/${groupId}\\?saved=${s.type}$`));
  }
}

async function storedSecret(emulator: Emulator, groupId: string, s: Sample) {
  return (await emulator.stored(groupId, s.type))?.[s.secret.field];
}

for (const mode of ["merge", "replace"] as const) {
  test.describe(`PUT ${mode}`, () => {
    // replace mode provokes Atlas's 400 (a required secret missing) on purpose.
    test.use({ expectedConsoleErrors: mode === "replace" ? httpStatus(400, 409) : null });

    for (const s of SAMPLES) {
      test(`${s.type}: create, keep the secret on edit, replace it, delete`, async ({ page, demo, emulator }) => {
        await emulator.putMode(mode);
        const sandbox = demo.projects.find((p) => p.name === "Sandbox")!;
        await signIn(page, demo);
        const form = new IntegrationFormPage(page);
        const project = new ProjectPage(page);

        // Create.
        await form.open(sandbox.id, s.type);
        await fillCreate(form, s);
        await save(page, sandbox.id, s, "Create");
        const card = project.card(s.type);
        await expect(card).toContainText("Configured");
        if (s.type !== "PROMETHEUS") await expect(card).toContainText(`••••${lastFour(s.secret.first)}`);
        expect(await page.content()).not.toContain(s.secret.first);
        expect(await storedSecret(emulator, sandbox.id, s)).toBe(s.secret.first);

        // Edit a plain field, secret left blank: Atlas must keep it.
        if (s.edit) {
          await form.open(sandbox.id, s.type);
          const input = form.input(s.edit.label);
          if (s.edit.select) await input.selectOption(s.edit.value);
          else if (s.edit.secret) await form.replaceSecret(s.edit.label, s.edit.value);
          else await input.fill(s.edit.value);
          await expect(form.input(s.secret.label)).toHaveValue("");
          if (s.secret.writeOnly) {
            // Never shown, so never kept unseen: saving without it is refused before any call.
            const before = await emulator.counters();
            await form.submit("Save changes");
            await expect(form.fieldError(s.secret.label)).toContainText(/required/i);
            expect((await emulator.counters()).total).toBe(before.total);
            await form.input(s.secret.label).fill(s.secret.first);
            await save(page, sandbox.id, s, "Save changes");
          } else if (mode === "replace" && s.type !== "WEBHOOK") {
            // Atlas wants every required secret again: the page says which and opens it.
            await form.submit("Save changes");
            await expect(form.alert).toContainText("must be entered again");
            await expect(form.input(s.secret.label)).toBeVisible();
            await form.input(s.secret.label).fill(s.secret.first);
            await save(page, sandbox.id, s, "Save changes");
          } else if (mode === "replace") {
            // The webhook secret is optional: a replacing PUT clears it, and the page says so.
            await form.submit("Save changes");
            await expect(form.alert).toContainText("cleared");
            await form.input(s.secret.label).fill(s.secret.first);
            await save(page, sandbox.id, s, "Save changes");
          } else {
            await save(page, sandbox.id, s, "Save changes");
          }
          const stored = await emulator.stored(sandbox.id, s.type);
          expect(stored?.[s.edit.field]).toBe(s.edit.value);
          expect(stored?.[s.secret.field]).toBe(s.secret.first);
        }

        // Replace the secret.
        await form.open(sandbox.id, s.type);
        await form.replaceSecret(s.secret.label, s.secret.second);
        if (mode === "replace" && s.edit?.secret) {
          // A replacing PUT needs every required secret: the webhook's URL goes along.
          await form.replaceSecret(s.edit.label, s.edit.value);
        }
        await save(page, sandbox.id, s, "Save changes");
        expect(await storedSecret(emulator, sandbox.id, s)).toBe(s.secret.second);

        // Delete, after a confirmation naming the project and the type.
        await project.open(sandbox.id);
        await project.card(s.type).getByRole("link", { name: "Delete" }).click();
        await expect(new DeletePage(page).question()).toContainText("Sandbox");
        await expect(new DeletePage(page).question()).toContainText(s.label);
        await new DeletePage(page).confirm(s.label);
        await expect(page).toHaveURL(new RegExp(`\\?deleted=${s.type}$`));
        await expect(project.card(s.type)).toContainText("Not configured");
        expect(await emulator.stored(sandbox.id, s.type)).toBeNull();
      });
    }
  });
}
