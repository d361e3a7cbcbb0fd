// Run-detail interactivity in a real browser (Debian Chromium, headless) against `next start`:
// a 156-week, 8-channel run fitted on simulated data (fast mode, 200 draws), its insights page.
//
//   pnpm bench --only=run-detail          (scripts/bench.ts writes the section into docs/benchmarks.md)
//   pnpm --filter @mixcast/web bench:run-detail   (prints the section only)
//
// Starts the e2e stack (the launcher's --e2e preset, e2e/global-setup.ts: a fresh database,
// `next start` of the e2e build, rebuilt when its sources changed, worker), signs up through the UI, seeds two fitted
// runs of one model (e2e/seed-fitted-runs.ts), then:
//  - cold: the first view, which computes the run analysis from the stored draws and stores it;
//  - warm: N fresh page loads; "interactive" = navigation start until the data is in, the fit
//    chart has drawn its SVG and the main thread is idle (a 0 ms timer fires within 50 ms); plots
//    below the fold mount when scrolled near (ChartBox); and the latency of switching to the ROI
//    tab (click -> its on-screen charts drawn).
// Target: interactive < 1.5 s.
import { spawnSync, type ChildProcess } from "node:child_process";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Page } from "@playwright/test";
import { ensureChromium } from "../../../scripts/ensure-chromium.mjs";
import { spawnE2eStack, waitForReady } from "../e2e/global-setup.ts";

interface BenchSection {
  id: string;
  title: string;
  command: string;
  body: string;
}

const webDir = fileURLToPath(new URL("..", import.meta.url));
const tsx = join(webDir, "..", "..", "node_modules", ".bin", "tsx");
const TARGET_MS = 1500;
const ROI_TAB = ["roi"];

async function startStack(): Promise<{ child: ChildProcess; baseUrl: string; databaseUrl: string }> {
  const child = spawnE2eStack([], "ignore");
  return { child, ...(await waitForReady(child)) };
}

/** ms since navigation start when every chart in `charts` has an SVG and the main thread is idle. */
async function timeToInteractive(page: Page, charts: string[]): Promise<number> {
  await page.waitForFunction(
    (ids) =>
      document.querySelector('[data-testid="insights"][data-ready="true"]') !== null &&
      ids.every((id) => document.querySelector(`[data-chart="${id}"] svg.recharts-surface`) !== null),
    charts,
    { polling: "raf", timeout: 120_000 },
  );
  return page.evaluate(async () => {
    // idle check: repeat until a 0 ms timer fires within 50 ms (no long task in the way)
    for (;;) {
      const t0 = performance.now();
      await new Promise((r) => setTimeout(r, 0));
      if (performance.now() - t0 < 50) return t0;
    }
  });
}

async function tabSwitch(page: Page): Promise<number> {
  return page.evaluate(async (ids) => {
    const tab = [...document.querySelectorAll('[role="tab"]')].find(
      (t) => t.textContent === "ROI",
    ) as HTMLElement;
    const t0 = performance.now();
    tab.click();
    for (;;) {
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      if (ids.every((id) => document.querySelector(`[data-chart="${id}"] svg.recharts-surface`) !== null))
        return performance.now() - t0;
    }
  }, ROI_TAB);
}

/** Records when the data arrives and when each chart's SVG appears (ms since navigation start). */
const MILESTONES = `
  window.__mc = { ready: null, charts: {} };
  new MutationObserver(() => {
    const mc = window.__mc;
    if (mc.ready === null && document.querySelector('[data-testid="insights"][data-ready="true"]')) mc.ready = performance.now();
    for (const el of document.querySelectorAll('[data-chart]')) {
      const id = el.getAttribute('data-chart');
      if (!(id in mc.charts) && el.querySelector('svg.recharts-surface')) mc.charts[id] = performance.now();
    }
  }).observe(document, { childList: true, subtree: true, attributes: true });
`;

interface Breakdown {
  request: number;
  response: number;
  ready: number;
  charts: number;
}

async function breakdown(page: Page): Promise<Breakdown> {
  return page.evaluate(
    (ids) => {
      const mc = (window as unknown as { __mc: { ready: number; charts: Record<string, number> } }).__mc;
      const res = performance.getEntriesByType("resource").find((e) => e.name.includes("insight.get")) as
        PerformanceResourceTiming | undefined;
      return {
        request: res?.startTime ?? Number.NaN,
        response: res?.responseEnd ?? Number.NaN,
        ready: mc.ready,
        charts: Math.max(...ids.map((id) => mc.charts[id] ?? Number.NaN)),
      };
    },
    ["fit"],
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

export async function runRunDetailBench(
  log: (m: string) => void = console.error,
  loads = 5,
): Promise<BenchSection> {
  const executablePath = process.env.CHROMIUM_PATH ?? ensureChromium(log);
  if (!executablePath)
    throw new Error(
      "The run-detail benchmark needs Chromium at /usr/bin/chromium (apt-get install -y chromium; needs root).",
    );
  const browser = await chromium.launch({
    executablePath,
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
  });
  // Started after the browser, and stopped in `finally`: a failed launch must not leave the stack
  // (next start, worker, PostgreSQL) running.
  const stack = await startStack().catch(async (error: unknown) => {
    await browser.close();
    throw error;
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const page = await context.newPage();
    const email = `bench.${Date.now().toString(36)}@example.test`;
    await page.goto(`${stack.baseUrl}/sign-up`);
    await page.getByLabel("Name").fill("Bench Analyst");
    await page.getByLabel("Work email").fill(email);
    await page.getByLabel("Password").fill("bench-run-detail-2026");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(/\/onboarding$/, { timeout: 60_000 });
    await page.getByLabel("Workspace name").fill("Bench Co");
    await page.getByRole("button", { name: "Create workspace" }).click();
    await page.waitForURL(/\/w\/[^/]+\//, { timeout: 60_000 });
    const ws = page.url().match(/\/w\/[^/]+/)![0];

    log("seeding two fitted runs (156 weeks x 8 channels, fast mode, 200 draws)");
    const t0 = Date.now();
    const seeded = spawnSync(tsx, ["e2e/seed-fitted-runs.ts", email, "156", "8", "2"], {
      cwd: webDir,
      env: { ...process.env, DATABASE_URL: stack.databaseUrl },
      encoding: "utf8",
      timeout: 600_000,
    });
    if (seeded.status !== 0) throw new Error(`seeding failed: ${seeded.stderr}`);
    const { runIds } = JSON.parse(seeded.stdout.trim().split("\n").at(-1)!) as { runIds: string[] };
    const seedSeconds = (Date.now() - t0) / 1000;
    const url = `${stack.baseUrl}${ws}/runs/${runIds[1]}/insights`;

    log("cold view (analysis computed from the draws and stored)");
    await page.goto(url);
    const cold = await timeToInteractive(page, ["fit"]);

    await context.addInitScript(MILESTONES);
    const ready: number[] = [];
    const switches: number[] = [];
    const parts: Breakdown[] = [];
    const cpu: number[] = [];
    const payload: number[] = [];
    for (let i = 0; i < loads; i++) {
      const p = await context.newPage();
      let bytes = 0;
      p.on("response", (r) => {
        if (r.url().includes("insight.get"))
          void r.body().then(
            (b) => (bytes = b.byteLength),
            () => {},
          );
      });
      // main-thread CPU time of the renderer (CDP Performance.ThreadTime), independent of how
      // busy the shared machine is
      const cdp = await context.newCDPSession(p);
      await cdp.send("Performance.enable");
      const threadTime = async () =>
        ((await cdp.send("Performance.getMetrics")).metrics.find((m) => m.name === "ThreadTime")?.value ??
          Number.NaN) * 1000;
      const cpu0 = await threadTime();
      await p.goto(url);
      ready.push(await timeToInteractive(p, ["fit"]));
      cpu.push((await threadTime()) - cpu0);
      parts.push(await breakdown(p));
      switches.push(await tabSwitch(p));
      payload.push(bytes);
      await p.close();
      log(
        `load ${i + 1}: interactive ${ready.at(-1)!.toFixed(0)} ms (insight.get sent ${parts.at(-1)!.request.toFixed(0)}, done ${parts.at(-1)!.response.toFixed(0)}, data rendered ${parts.at(-1)!.ready.toFixed(0)}, charts drawn ${parts.at(-1)!.charts.toFixed(0)}), ROI tab ${switches.at(-1)!.toFixed(0)} ms, main-thread CPU ${cpu.at(-1)!.toFixed(0)} ms`,
      );
    }
    const med = median(ready);
    const body = [
      `156 weeks x 8 channels (simulated demo brand + Display), fast-mode fit with 200 draws; analysis over 200 thinned draws. Headless Chromium ${browser.version()}, viewport 1360x900, \`next start\` (production build). ${loads} warm page loads.`,
      "",
      "| figure | value |",
      "|---|---|",
      `| interactive (navigation -> data in, fit chart drawn, main thread idle: a 0 ms timer fires within 50 ms), median | ${med.toFixed(0)} ms (target < ${TARGET_MS} ms: ${med < TARGET_MS ? "PASS" : "FAIL"}) |`,
      `| interactive, all loads | ${ready.map((x) => x.toFixed(0)).join(", ")} ms |`,
      `| insight.get sent / response complete / data rendered / fit chart drawn, medians | ${median(parts.map((p) => p.request)).toFixed(0)} / ${median(parts.map((p) => p.response)).toFixed(0)} / ${median(parts.map((p) => p.ready)).toFixed(0)} / ${median(parts.map((p) => p.charts)).toFixed(0)} ms |`,
      `| renderer main-thread CPU time from navigation to interactive (CDP ThreadTime), median | ${median(cpu).toFixed(0)} ms |`,
      `| machine load average (1 min) at the end | ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores |`,
      `| switch to the ROI tab (click -> ROI chart drawn), median | ${median(switches).toFixed(0)} ms |`,
      `| insight.get response (compressed as served) | ${(median(payload) / 1024).toFixed(0)} KiB |`,
      `| cold first view (server computes + stores the analysis from the draws) | ${(cold / 1000).toFixed(1)} s |`,
      `| seeding two fitted runs (fast fits) | ${seedSeconds.toFixed(1)} s |`,
    ].join("\n");
    return {
      id: "web-run-detail",
      title: "Run detail (insights) interactivity, 156 weeks x 8 channels",
      command: "pnpm bench --only=run-detail",
      body,
    };
  } finally {
    await browser.close();
    const exited = new Promise((r) => stack.child.once("exit", r));
    stack.child.kill("SIGTERM");
    await exited;
  }
}

export default async function bench(ctx: { log(message: string): void }): Promise<BenchSection[]> {
  return [await runRunDetailBench((m) => ctx.log(m))];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const section = await runRunDetailBench();
  console.log(`### ${section.title}\n\n${section.body}`);
}
