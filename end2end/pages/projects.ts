import type { Locator, Page } from "@playwright/test";

export class ProjectsPage {
  readonly heading: Locator;
  readonly rows: Locator;
  readonly signOut: Locator;
  readonly search: Locator;

  constructor(private readonly page: Page) {
    this.heading = page.getByRole("heading", { name: "Projects" });
    this.rows = page.getByRole("table").getByRole("row");
    this.signOut = page.getByRole("button", { name: "Sign out" });
    this.search = page.getByRole("searchbox", { name: "Search projects" });
  }

  project(name: string): Locator {
    return this.page.getByRole("link", { name, exact: true });
  }
}
