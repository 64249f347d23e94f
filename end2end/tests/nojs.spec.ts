import { test, expect } from "../support/fixtures";
import { LoginPage } from "../pages/login";
import { IntegrationFormPage, ProjectPage, DeletePage } from "../pages/project";

test.use({ javaScriptEnabled: false });

test("login, create and delete work without JavaScript", async ({ page, demo, emulator }) => {
  const sandbox = demo.projects.find((p) => p.name === "Sandbox")!;
  await page.goto("/login");
  const login = new LoginPage(page);
  const form = login.form("API key");
  await form.getByLabel("Public key").fill(demo.apiKey.publicKey);
  await form.getByLabel("Private key").fill(demo.apiKey.privateKey);
  await form.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Projects" })).toBeVisible();

  const integration = new IntegrationFormPage(page);
  await integration.open(sandbox.id, "PAGER_DUTY", { hydrate: false });
  await integration.input("Service key").fill("nojs-service-key-000000004242");
  await integration.input("Region").selectOption("EU");
  await integration.submit("Create");
  await expect(page).toHaveURL(new RegExp(`/projects/${sandbox.id}\\?saved=PAGER_DUTY$`));
  expect((await emulator.stored(sandbox.id, "PAGER_DUTY"))?.serviceKey).toBe("nojs-service-key-000000004242");

  const project = new ProjectPage(page);
  await project.card("PAGER_DUTY").getByRole("link", { name: "Delete" }).click();
  await new DeletePage(page).confirm("PagerDuty");
  await expect(page).toHaveURL(new RegExp(`\\?deleted=PAGER_DUTY$`));
  expect(await emulator.stored(sandbox.id, "PAGER_DUTY")).toBeNull();
});

test("a refused form without JavaScript shows the error", async ({ page, demo }) => {
  await page.goto("/login");
  const form = new LoginPage(page).form("API key");
  await form.getByLabel("Public key").fill(demo.apiKey.publicKey);
  await form.getByLabel("Private key").fill("wrong");
  await form.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("did not accept");
});
