// Debian's Chromium at /usr/bin/chromium for the end-to-end tests and the run-detail benchmark:
// installed with apt-get when it is missing and we run as root (a clean machine has apt and
// nothing else; no browser downloads). Returns the path, or null when it cannot be installed.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

export const CHROMIUM_PATH = "/usr/bin/chromium";

export function ensureChromium(log = (m) => console.error(m)) {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (isRoot && existsSync("/usr/bin/apt-get")) {
    log("Installing Chromium (apt-get install -y chromium)...");
    const aptEnv = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    const install = () =>
      spawnSync("apt-get", ["install", "-y", "--no-install-recommends", "chromium"], {
        stdio: "inherit",
        env: aptEnv,
      });
    if (install().status !== 0) {
      spawnSync("apt-get", ["update"], { stdio: "inherit", env: aptEnv });
      install();
    }
  }
  return existsSync(CHROMIUM_PATH) ? CHROMIUM_PATH : null;
}
