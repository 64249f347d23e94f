import { readFile } from "node:fs/promises";
import { test, expect } from "../support/fixtures";
import { signIn, signInWithoutScript } from "../support/session";

/**
 * Export as code (issue #30): from the matrix with its filter, and from a project's page; the
 * file's name and content type; no secret, masked or not, in any file.
 */

test("from the matrix with a filter: Terraform and JSON for the projects the filter keeps", async ({ page, demo }) => {
  await signIn(page, demo);
  await page.goto("/fleet?has=PAGER_DUTY");
  await page.getByRole("link", { name: "Export as code" }).click();
  await expect(page).toHaveURL(/\/fleet\/export\?has=PAGER_DUTY$/);
  await expect(page.getByRole("heading", { name: "Export as code" })).toBeVisible();
  // The matrix's filter came along, and can still be changed here.
  await expect(page.getByLabel("Has")).toHaveValue("PAGER_DUTY");
  await expect(page.getByLabel("Terraform")).toBeChecked();

  const zip = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download" }).click();
  const terraform = await zip;
  expect(terraform.suggestedFilename()).toBe("atlas-integrations-terraform.zip");
  const bytes = await readFile((await terraform.path())!);
  expect(bytes.subarray(0, 4).toString("latin1")).toBe("PK\u0003\u0004");

  await page.getByLabel("JSON").check();
  const json = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download" }).click();
  const file = await json;
  expect(file.suggestedFilename()).toBe("atlas-integrations.json");
  const text = await readFile((await file.path())!, "utf8");
  const exported = JSON.parse(text);
  const production = demo.projects.find((p) => p.name === "Production")!;
  expect(exported.projects.map((p: { id: string }) => p.id)).toEqual([production.id]);
  for (const secret of Object.values(demo.secrets)) expect(text).not.toContain(secret);

  // The same URL as a plain request: the headers a download needs.
  const res = await page.request.get("/fleet/export/download?format=kubernetes&has=PAGER_DUTY");
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toBe("application/yaml");
  expect(res.headers()["content-disposition"]).toBe('attachment; filename="atlas-integrations.k8s.yaml"');
  expect(res.headers()["cache-control"]).toBe("no-store");
  const yaml = await res.text();
  expect(yaml).toContain("kind: AtlasThirdPartyIntegration");
  for (const secret of Object.values(demo.secrets)) expect(yaml).not.toContain(secret);
  // A format or filter it does not know is a clear 400, not a file.
  const bad = await page.request.get("/fleet/export/download?format=pdf");
  expect(bad.status()).toBe(400);
  expect(await bad.text()).toContain("not an export format");
});

test("from a project's page: that project only", async ({ page, demo }) => {
  await signIn(page, demo);
  const analytics = demo.projects.find((p) => p.name === "Analytics")!;
  await page.goto(`/projects/${analytics.id}`);
  await page.getByRole("link", { name: "Export as code" }).click();
  await expect(page).toHaveURL(new RegExp(`/fleet/export\\?project=${analytics.id}$`));
  await page.getByLabel("JSON").check();
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe("atlas-integrations.json");
  const exported = JSON.parse(await readFile((await file.path())!, "utf8"));
  expect(exported.projects).toHaveLength(1);
  expect(exported.projects[0].id).toBe(analytics.id);
});

test("signed out, the download goes to the login page and back", async ({ page }) => {
  const res = await page.request.get("/fleet/export/download?format=json", { maxRedirects: 0 });
  expect(res.status()).toBe(303);
  expect(res.headers()["location"]).toMatch(/^\/login\?next=/);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the export page's form downloads the file", async ({ page, demo }) => {
    await signInWithoutScript(page, demo);
    await page.goto("/fleet/export?lacks=SLACK");
    await page.getByLabel("Kubernetes (Atlas Operator)").check();
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Download" }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe("atlas-integrations.k8s.yaml");
    const yaml = await readFile((await file.path())!, "utf8");
    expect(yaml).toContain("apiVersion: atlas.mongodb.com/v1");
    for (const secret of Object.values(demo.secrets)) expect(yaml).not.toContain(secret);
  });
});
