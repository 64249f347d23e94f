import type { Page } from "@playwright/test";
import type { Demo } from "./emulator";
import { LoginPage } from "../pages/login";
import { expect } from "./fixtures";

/** Signs in with the demo API key (or service account) and waits for the projects page. */
export async function signIn(page: Page, demo: Demo, how: "API key" | "Service account" = "API key") {
  const login = new LoginPage(page);
  await login.open();
  if (how === "API key") await login.signIn(how, demo.apiKey.publicKey, demo.apiKey.privateKey);
  else await login.signIn(how, demo.serviceAccount.clientId, demo.serviceAccount.clientSecret);
  await expect(page.getByRole("heading", { name: "Projects" })).toBeVisible();
}

/** The same, for a page without JavaScript: nothing to wait for but the plain form. */
export async function signInWithoutScript(page: Page, demo: Demo) {
  await page.goto("/login");
  await new LoginPage(page).signIn("API key", demo.apiKey.publicKey, demo.apiKey.privateKey);
  await expect(page.getByRole("heading", { name: "Projects" })).toBeVisible();
}
