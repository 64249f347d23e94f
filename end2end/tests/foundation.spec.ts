import { test, expect } from "../support/fixtures";
import { LoginPage } from "../pages/login";

test("the page hydrates and a server function answers", async ({ page }) => {
  const login = new LoginPage(page);
  await login.open();
  await login.checkServer.click();
  // The answer only appears if the click ran in WASM and the server function replied.
  await expect(login.status).toContainText("embedded emulator");
  await expect(login.status).toContainText(/Server \d+\.\d+\.\d+/);
});
