import { defineConfig } from "@playwright/test";

// E2E_PORT moves the three servers (app, IdP, GitHub simulator) so two checkouts can run at once.
const APP_PORT = Number(process.env.E2E_PORT ?? 3100);

// Browser tests run Debian's Chromium (Playwright cannot download browsers here) against
// the same stack as `npm run demo`, on other ports and a fresh embedded database.
export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: true,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"], ["json", { outputFile: "test-results/e2e.json" }]],
  use: {
    baseURL: `http://localhost:${APP_PORT}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    command: `tsx --conditions=react-server scripts/e2e-server.ts ${APP_PORT} ${APP_PORT + 1} ${APP_PORT + 2}`,
    url: `http://127.0.0.1:${APP_PORT}/api/health`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
  },
});
