import { test, expect, httpStatus, waitForHydration } from "../support/fixtures";
import { LoginPage } from "../pages/login";
import { ProjectsPage } from "../pages/projects";
import { ProjectPage } from "../pages/project";

for (const method of ["API key", "Service account"] as const) {
  test(`sign in with ${method}, see the projects, sign out`, async ({ page, demo }) => {
    await page.goto("/");
    await expect(page).toHaveURL(/\/login$/);
    const login = new LoginPage(page);
    await waitForHydration(page);
    if (method === "API key") await login.signIn(method, demo.apiKey.publicKey, demo.apiKey.privateKey);
    else await login.signIn(method, demo.serviceAccount.clientId, demo.serviceAccount.clientSecret);

    const projects = new ProjectsPage(page);
    await expect(projects.heading).toBeVisible();
    for (const p of demo.projects) await expect(projects.project(p.name)).toBeVisible();

    await projects.signOut.click();
    await expect(page).toHaveURL(/\/login$/);
    await page.goto("/");
    await expect(page).toHaveURL(/\/login$/);
  });
}

test.describe("refusals", () => {
  test.use({ expectedConsoleErrors: httpStatus(401) });

  test("a wrong secret is refused in plain words", async ({ page, demo }) => {
    const login = new LoginPage(page);
    await login.open();
    await login.signIn("API key", demo.apiKey.publicKey, "not-the-key");
    await expect(login.alert).toContainText("did not accept");
    await expect(page).toHaveURL(/\/login/);
  });

  test("a credential without projects is told so", async ({ page, demo }) => {
    const login = new LoginPage(page);
    await login.open();
    await login.signIn("API key", demo.emptyKey.publicKey, demo.emptyKey.privateKey);
    await expect(login.alert).toContainText("no project");
  });
});

test("login returns to the page that asked for it", async ({ page, demo }) => {
  const sandbox = demo.projects.find((p) => p.name === "Sandbox")!;
  await page.goto(`/projects/${sandbox.id}`);
  await expect(page).toHaveURL(new RegExp(`/login\\?next=`));
  await waitForHydration(page);
  await new LoginPage(page).signIn("API key", demo.apiKey.publicKey, demo.apiKey.privateKey);
  await expect(page).toHaveURL(new RegExp(`/projects/${sandbox.id}$`));
  await expect(page.getByRole("heading", { name: "Sandbox" })).toBeVisible();
});

// Browsers drop a tab from a redirect target, so "/<tab>/evil.example" would become
// "//evil.example", another site: the dashboard lands on its own home page instead.
test("login never follows a next that leads off the dashboard", async ({ page, demo, baseURL }) => {
  await page.goto(`/login?next=${encodeURIComponent("/\t/evil.example")}`);
  await waitForHydration(page);
  await new LoginPage(page).signIn("API key", demo.apiKey.publicKey, demo.apiKey.privateKey);
  await expect(page).toHaveURL(`${baseURL}/`);
  await expect(new ProjectsPage(page).heading).toBeVisible();
});

// A credential that belongs to some projects and not others (Atlas answers 401 for a project
// the key is not a member of): a deep link to another project is refused in plain words and
// the user stays signed in, instead of being sent through login again and again.
test.describe("a project out of the credential's reach", () => {
  test.use({ expectedConsoleErrors: httpStatus(403) });

  test("is refused and the session is kept", async ({ page, demo }) => {
    const production = demo.projects.find((p) => p.name === "Production")!;
    const login = new LoginPage(page);
    await login.open();
    await login.signIn("API key", demo.sandboxKey.publicKey, demo.sandboxKey.privateKey);
    const projects = new ProjectsPage(page);
    await expect(projects.project("Sandbox")).toBeVisible();
    await expect(projects.project("Production")).toHaveCount(0);

    const project = new ProjectPage(page);
    await project.open(production.id);
    await expect(project.alert).toContainText("outside your credential's reach");
    await expect(page).toHaveURL(new RegExp(`/projects/${production.id}$`));

    await page.goto("/");
    await expect(projects.project("Sandbox")).toBeVisible();
  });
});

// server_fn sends a form posted without JavaScript back with its error in the URL, which any
// page shows: a crafted link must not put its own words on the real login page. The error's
// kind still shows, in the dashboard's fixed words.
test("a crafted link cannot write on the login page", async ({ page }) => {
  const planted = "Your account is locked: call +1 555 0100";
  const error = { LoginRefused: { Other: planted } };
  // server_fn's encoding: JSON, then URL-safe base64 with padding.
  const err = Buffer.from(JSON.stringify(error)).toString("base64").replace(/\+/g, "-").replace(/\//g, "_");
  await page.goto(`/login?__path=/api/session/login&__err=${encodeURIComponent(err)}`);
  const login = new LoginPage(page);
  await expect(login.alert).toHaveText("Atlas refused the sign-in.");
  await expect(page.getByText("555 0100")).toHaveCount(0);
});
