/**
 * Stan as a peer (`pnpm bench --only=peer:stan --stan`; opt-in, never in CI): fits the same data
 * with Mixcast and with the independent Stan programs of ../shared (read from there at run time,
 * never copied into the repo) and writes the side-by-side table to docs/benchmarks.md.
 *
 * - v1: the 156 x 6 recovery scenario (Mixcast's simulator, seed 7, no holdout, no event dummy:
 *   the Stan program has neither), `../shared/peers/stan-v1/mmm_spec.stan` with its own
 *   `spec_common.R` preprocessing; 4 chains x (1000 + 1000), seed 1, both in one run.
 * - v2: the geo conformance case (6 geos x 78 weeks, `../shared/conformance/model-v2/data_geo.csv`,
 *   simulated with truth by its generator) with `mmm_v2.stan` and `model_common.R`.
 *
 * Installs R and rstan from Debian's packages (apt-get, as root) when `library(rstan)` fails.
 * Mixcast's end-to-end time is a whole `mixcast fit` process (the prebuilt CLI of `pnpm mixcast`:
 * start-up, parsing, sampling, summaries); Stan's is compile + sampling of the same number of draws.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseDatasetV2Csv } from "../src/data/parse-v2.ts";
import { scaleDatasetV2 } from "../src/data/scale-v2.ts";
import type { Draws } from "../src/fit/draws-codec.ts";
import { fitModel } from "../src/fit/fit-model.ts";
import { fitModelV2 } from "../src/fit/fit-v2.ts";
import { DEFAULT_TARGET_ACCEPT, type FitDiagnostics } from "../src/fit/result.ts";
import { simulate } from "../src/simulate/simulate.ts";
import type { BenchContext, BenchSection } from "./core.bench.ts";
import { conformanceV2Configs } from "../test/conformance-v2-cases.ts";

const repoRoot = resolve(import.meta.dirname, "../../..");
const shared = resolve(repoRoot, "../shared");
const STAN_V1 = join(shared, "peers/stan-v1");
const STAN_V2 = join(shared, "conformance/model-v2");
const CHAINS = 4;
// --peer-iter=N (smoke runs only) shortens both phases; the report is for 1000 + 1000.
const ITER = Number(process.argv.find((a) => a.startsWith("--peer-iter="))?.slice(12) ?? 1000);
const WARMUP = ITER;
const DRAWS = ITER;
const SEED = 1;
const STAN_ADAPT_DELTA = 0.9;

const f = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : String(x));

/** rstan's figures for one fit (written by the R script below as JSON). */
interface StanRun {
  compileSeconds: number;
  samplingSeconds: number;
  leapfrogPerDraw: number;
  divergences: number;
  names: string[];
  mean: number[];
  sd: number[];
  bulkEss: number[];
  rhat: number[];
}

interface Side {
  compileSeconds: number;
  samplingSeconds: number;
  endToEndSeconds: number;
  leapfrogPerDraw: number;
  divergences: number;
  minBulkEss: number;
  maxRhat: number;
}

// One R script for both programs: preprocessing by the peer's own R code, then compile, sample,
// and the parameter summaries (rstan::monitor: rank-normalized R-hat and bulk ESS).
const R_SCRIPT = String.raw`
a <- commandArgs(TRUE)
kind <- a[1]; shared <- a[2]; csv <- a[3]; out <- a[4]
chains <- as.integer(a[5]); warmup <- as.integer(a[6]); draws <- as.integer(a[7])
seed <- as.integer(a[8]); delta <- as.numeric(a[9])
suppressMessages({ library(rstan); library(jsonlite) })
rstan_options(boost_lib = "/usr/include")
exact <- function(v) as.numeric(fromJSON(paste0("[", paste(v, collapse = ","), "]")))
if (kind == "v1") {
  source(file.path(shared, "peers/stan-v1/spec_common.R"))
  raw <- read.csv(csv, colClasses = "character", check.names = FALSE)
  for (nm in setdiff(names(raw), "date")) raw[[nm]] <- exact(raw[[nm]])
  channels <- strsplit(a[10], ",")[[1]]
  types <- strsplit(a[11], ",")[[1]]; names(types) <- channels
  d <- make_spec_data(raw, channels = channels, types = types, controls = "price", kpi = "revenue")
  stan_file <- file.path(shared, "peers/stan-v1/mmm_spec.stan")
  blocks <- c("b0", "b_trend", "s_season", "c_season", "zeta", "beta", "alpha", "K", "S",
              "kappa", "delta", "eta", "phi", "psi", "sigma")
} else {
  source(file.path(shared, "conformance/model-v2/model_common.R"))
  cfg <- CASES[[a[10]]]
  d <- stan_data(make_model_data(read_csv_exact(csv), cfg, emit = 0L))
  stan_file <- file.path(shared, "conformance/model-v2/mmm_v2.stan")
  blocks <- PAR_BLOCKS
}
t0 <- proc.time()[["elapsed"]]
m <- stan_model(stan_file)
compile <- proc.time()[["elapsed"]] - t0
t1 <- proc.time()[["elapsed"]]
fit <- sampling(m, data = d, chains = chains, iter = warmup + draws, warmup = warmup, seed = seed,
                cores = min(chains, parallel::detectCores()), control = list(adapt_delta = delta),
                refresh = 0)
samp <- proc.time()[["elapsed"]] - t1
sp <- get_sampler_params(fit, inc_warmup = FALSE)
lf <- mean(unlist(lapply(sp, function(x) x[, "n_leapfrog__"])))
div <- sum(unlist(lapply(sp, function(x) x[, "divergent__"])))
# declared blocks of size 0 (absent in this case) have no draws
keep <- Filter(function(b) b %in% fit@model_pars && prod(fit@par_dims[[b]]) > 0, blocks)
arr <- as.array(fit, pars = keep)
mon <- monitor(arr, warmup = 0, print = FALSE)
pars <- dimnames(arr)[[3]]
res <- list(compileSeconds = compile, samplingSeconds = samp, leapfrogPerDraw = lf,
            divergences = div, names = pars,
            mean = unname(apply(arr, 3, mean)), sd = unname(apply(arr, 3, sd)),
            bulkEss = unname(mon[pars, "Bulk_ESS"]), rhat = unname(mon[pars, "Rhat"]))
writeLines(toJSON(res, digits = NA, auto_unbox = FALSE), out)
`;

function sh(cmd: string, args: string[], ctx: BenchContext): number {
  const r = spawnSync(cmd, args, { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
  if (r.status !== 0) ctx.log(`${cmd} ${args.join(" ")} failed:\n${r.stderr}`);
  return r.status ?? 1;
}

/** R + rstan + jsonlite from Debian's packages when missing (docs: ../shared/docs/environment.md). */
function ensureStan(ctx: BenchContext): void {
  const probe = spawnSync("Rscript", ["-e", "suppressMessages({library(rstan); library(jsonlite)})"], {
    stdio: "ignore",
  });
  if (probe.status === 0) return;
  if (process.getuid?.() !== 0)
    throw new Error(
      "R with rstan is missing and installing it needs root: apt-get install -y --no-install-recommends r-base-core r-cran-rstan r-cran-jsonlite libboost-dev",
    );
  ctx.log("installing R and rstan from Debian's packages (a few minutes)");
  if (sh("apt-get", ["update"], ctx) !== 0) throw new Error("apt-get update failed");
  const pkgs = ["r-base-core", "r-cran-rstan", "r-cran-jsonlite", "libboost-dev"];
  if (sh("apt-get", ["install", "-y", "--no-install-recommends", ...pkgs], ctx) !== 0)
    throw new Error("apt-get install of R / rstan failed");
}

function runStan(ctx: BenchContext, dir: string, kind: "v1" | "v2", csv: string, extra: string[]): StanRun {
  const script = join(dir, "peer.R");
  writeFileSync(script, R_SCRIPT);
  const out = join(dir, `stan-${kind}.json`);
  ctx.log(`stan ${kind}: compiling and sampling (minutes)`);
  // Not re-niced here: run the whole bench with `nice` (a second nice starves the compiler).
  const r = spawnSync(
    "Rscript",
    [
      script,
      kind,
      shared,
      csv,
      out,
      String(CHAINS),
      String(WARMUP),
      String(DRAWS),
      String(SEED),
      String(STAN_ADAPT_DELTA),
      ...extra,
    ],
    { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8", maxBuffer: 64 << 20 },
  );
  if (r.status !== 0 || !existsSync(out)) throw new Error(`Rscript failed:\n${r.stderr.slice(-4000)}`);
  const j = JSON.parse(readFileSync(out, "utf8")) as Record<string, unknown>;
  const one = (k: string): number => (j[k] as number[])[0]!;
  return {
    compileSeconds: one("compileSeconds"),
    samplingSeconds: one("samplingSeconds"),
    leapfrogPerDraw: one("leapfrogPerDraw"),
    divergences: one("divergences"),
    names: j.names as string[],
    mean: j.mean as number[],
    sd: j.sd as number[],
    bulkEss: j.bulkEss as number[],
    rhat: j.rhat as number[],
  };
}

/** Posterior means of Mixcast's draws (constrained, canonical order = the Stan programs' order). */
function drawMeans(draws: Draws): number[] {
  const dim = draws.names.length;
  const n = draws.chains * draws.perChain;
  const mean = new Array<number>(dim).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j]! += draws.values[i * dim + j]! / n;
  return mean;
}

/** Largest |mean_mixcast - mean_stan| / sd_stan over parameters, matched by position (the
 *  conformance vectors fix both orders to the same one; block names are checked too). */
function largestGap(
  stan: StanRun,
  draws: Draws,
  stanBlockOf: (mixcastName: string) => string,
): { gap: number; at: string } {
  if (stan.names.length !== draws.names.length)
    throw new Error(`Stan has ${stan.names.length} parameters, Mixcast ${draws.names.length}`);
  const means = drawMeans(draws);
  let gap = 0;
  let at = "";
  stan.names.forEach((name, j) => {
    const block = name.replace(/\[.*$/, "");
    if (block !== stanBlockOf(draws.names[j]!))
      throw new Error(`parameter ${j}: Stan ${name}, Mixcast ${draws.names[j]}`);
    const g = Math.abs(means[j]! - stan.mean[j]!) / stan.sd[j]!;
    if (g > gap) {
      gap = g;
      at = draws.names[j]!;
    }
  });
  return { gap, at };
}

function stanSide(s: StanRun): Side {
  return {
    compileSeconds: s.compileSeconds,
    samplingSeconds: s.samplingSeconds,
    endToEndSeconds: s.compileSeconds + s.samplingSeconds,
    leapfrogPerDraw: s.leapfrogPerDraw,
    divergences: s.divergences,
    minBulkEss: Math.min(...s.bulkEss),
    maxRhat: Math.max(...s.rhat),
  };
}

function table(stan: Side, mix: Side, gap: { gap: number; at: string }, mixNote: string): string {
  const essS = (s: Side, wall: number) => s.minBulkEss / wall;
  const rows: [string, string, string][] = [
    ["compile", `${f(stan.compileSeconds, 1)} s`, "none"],
    ["sampling (fit call)", `${f(stan.samplingSeconds, 1)} s`, `${f(mix.samplingSeconds, 1)} s`],
    [
      "end to end",
      `${f(stan.endToEndSeconds, 1)} s (compile + sampling)`,
      `${f(mix.endToEndSeconds, 1)} s (${mixNote})`,
    ],
    ["leapfrog steps per draw", f(stan.leapfrogPerDraw, 1), f(mix.leapfrogPerDraw, 1)],
    [
      "divergences",
      `${stan.divergences} (${f((100 * stan.divergences) / (CHAINS * DRAWS))} %)`,
      `${mix.divergences} (${f((100 * mix.divergences) / (CHAINS * DRAWS))} %)`,
    ],
    ["max R-hat", f(stan.maxRhat, 4), f(mix.maxRhat, 4)],
    ["min bulk ESS", f(stan.minBulkEss, 0), f(mix.minBulkEss, 0)],
    [
      "min bulk ESS per second (end to end)",
      f(essS(stan, stan.endToEndSeconds), 2),
      f(essS(mix, mix.endToEndSeconds), 1),
    ],
    ["largest posterior-mean gap", "", `${f(gap.gap, 3)} Stan sd (${gap.at})`],
  ];
  const speedUp = stan.endToEndSeconds / mix.endToEndSeconds;
  const essRatio = essS(mix, mix.endToEndSeconds) / essS(stan, stan.endToEndSeconds);
  return (
    `| figure | Stan (adapt_delta ${STAN_ADAPT_DELTA}) | Mixcast (target acceptance ${DEFAULT_TARGET_ACCEPT}) |\n|---|---|---|\n` +
    rows.map((r) => `| ${r.join(" | ")} |`).join("\n") +
    `\n\nMixcast vs Stan, end to end: **${f(speedUp, 1)}x faster**, **${f(essRatio, 1)}x the min bulk ESS per second**.\n`
  );
}

function mixSide(
  diagnostics: FitDiagnostics,
  timing: { samplingSeconds: number; warmupSeconds: number; totalSeconds: number },
  endToEnd: number,
  leapfrogPerDraw: number,
): Side {
  return {
    compileSeconds: 0,
    samplingSeconds: timing.totalSeconds,
    endToEndSeconds: endToEnd,
    leapfrogPerDraw,
    divergences: diagnostics.divergences,
    minBulkEss: diagnostics.essBulkMin,
    maxRhat: diagnostics.rhatMax,
  };
}

/** Wall seconds of one whole `mixcast fit` process as `pnpm mixcast fit` starts it (the prebuilt
 *  CLI, bin/mixcast.mjs: Node start-up, parsing, sampling, summaries, writing the result). The
 *  bundle is built before the clock starts, as `pnpm install` or any earlier command leaves it. */
async function cliFit(
  ctx: BenchContext,
  dir: string,
  csv: string,
  config: object,
): Promise<{ wallSeconds: number; fitSeconds: number }> {
  const cfgPath = join(dir, "config.json");
  writeFileSync(cfgPath, JSON.stringify(config));
  const { ensureCliBundle } = (await import(join(repoRoot, "packages/core/bin/cli-bundle.mjs"))) as {
    ensureCliBundle: () => Promise<string>;
  };
  await ensureCliBundle();
  const t0 = performance.now();
  const r = spawnSync(
    process.execPath,
    [
      join(repoRoot, "packages/core/bin/mixcast.mjs"),
      "fit",
      "--data",
      csv,
      "--config",
      cfgPath,
      "--seed",
      String(SEED),
      "--out",
      join(dir, "mixcast-result.json"),
    ],
    { cwd: join(repoRoot, "packages/core"), stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" },
  );
  const s = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`mixcast fit failed:\n${r.stderr.slice(-3000)}`);
  ctx.log(`mixcast fit process: ${f(s)} s`);
  // the fit call's own time, as that process measured it (timing.totalSeconds of its result)
  const written = JSON.parse(readFileSync(join(dir, "mixcast-result.json"), "utf8")) as {
    timing: { totalSeconds: number };
  };
  return { wallSeconds: s, fitSeconds: written.timing.totalSeconds };
}

async function v1Section(ctx: BenchContext, dir: string): Promise<BenchSection> {
  const sim = simulate({ weeks: 156, seed: 7, channels: "recovery", holdoutWeeks: 0 });
  const csv = join(dir, "v1.csv");
  writeFileSync(csv, sim.csv);
  const config = { ...sim.mapping, events: [], holdoutWeeks: 0 };
  const load0 = loadavg()[0]!;
  const cli = await cliFit(ctx, dir, csv, config);
  const fit = await fitModel(sim.dataset, config, {
    mode: "nuts",
    chains: CHAINS,
    warmup: WARMUP,
    draws: DRAWS,
    seed: SEED,
  });
  const lf = fit.diagnostics.leapfrogsPerDraw ?? Number.NaN;
  const stan = runStan(ctx, dir, "v1", csv, [
    sim.mapping.channels.map((c) => c.column).join(","),
    sim.mapping.channels.map((c) => c.type).join(","),
  ]);
  const load1 = loadavg()[0]!;
  const gap = largestGap(stan, fit.draws, (n) => n.replace(/\[.*$/, ""));
  const body =
    `Recovery scenario (156 weeks x 6 channels: TV, Search, Display, Radio, Instagram with viral echo and network, Influencer; price control), simulated by Mixcast with seed 7, no holdout and no event dummy (the Stan program \`../shared/peers/stan-v1/mmm_spec.stan\` has neither; its own \`spec_common.R\` preprocesses the CSV). Both: ${CHAINS} chains x (${WARMUP} warmup + ${DRAWS} draws), seed ${SEED}, default settings otherwise, ${Math.min(CHAINS, 2)} chains at a time on this machine. Load average (1 min) ${f(load0, 1)} at the start, ${f(load1, 1)} at the end.\n\n` +
    table(
      stanSide(stan),
      mixSide(fit.diagnostics, { ...fit.timing, totalSeconds: cli.fitSeconds }, cli.wallSeconds, lf),
      gap,
      "whole `mixcast fit` process",
    ) +
    `\nMixcast's sampling row is the fit call inside that process (its result's \`timing.totalSeconds\`: chains and summaries); its leapfrog steps and diagnostics come from an in-process fit with the same seed (same draws as the process).\n`;
  return {
    id: "peer-stan-v1",
    title: "Stan peer, model v1 (156 x 6)",
    command: "pnpm bench --only=peer:stan --stan",
    body,
  };
}

/** The geo conformance case's config, as the fixture README gives it. */
const GEO_CONFIG = conformanceV2Configs.geo!;

async function v2Section(ctx: BenchContext, dir: string): Promise<BenchSection> {
  const csv = join(STAN_V2, "data_geo.csv");
  const parsed = parseDatasetV2Csv(readFileSync(csv, "utf8"), GEO_CONFIG);
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join("; "));
  const data = scaleDatasetV2(parsed.dataset, { holdoutWeeks: 0, fourierPairs: 2, link: "identity" });
  const load0 = loadavg()[0]!;
  const t0 = performance.now();
  const fit = await fitModelV2(data, GEO_CONFIG, {
    mode: "nuts",
    chains: CHAINS,
    warmup: WARMUP,
    draws: DRAWS,
    seed: SEED,
  });
  const wall = (performance.now() - t0) / 1000;
  const lf = fit.diagnostics.leapfrogsPerDraw ?? Number.NaN;
  const stan = runStan(ctx, dir, "v2", csv, ["geo"]);
  const load1 = loadavg()[0]!;
  // Mixcast labels name the channel or geo (u[TV,north]); Stan's names carry indices: compare blocks.
  const gap = largestGap(stan, fit.draws, (n) => n.replace(/\[.*$/, ""));
  const body =
    `The geo conformance case (\`../shared/conformance/model-v2/data_geo.csv\`: 6 geos x 78 weeks, revenue, identity link, knots baseline, TV, Search with clicks, Instagram with impressions, Influencer, price), fitted by \`mmm_v2.stan\` (preprocessing by its \`model_common.R\`, per-week outputs off) and by Mixcast's \`fitModelV2\` in process. ${CHAINS} chains x (${WARMUP} + ${DRAWS}), seed ${SEED}. Load average (1 min) ${f(load0, 1)} at the start, ${f(load1, 1)} at the end.\n\n` +
    table(
      stanSide(stan),
      mixSide(fit.diagnostics, fit.timing, wall, lf),
      gap,
      "in-process `fitModelV2`, summaries included",
    );
  return {
    id: "peer-stan-v2",
    title: "Stan peer, model v2 (geo, 6 x 78)",
    command: "pnpm bench --only=peer:stan --stan",
    body,
  };
}

export default async function run(ctx: BenchContext): Promise<BenchSection[]> {
  const only = [...ctx.flags].filter((fl) => fl.startsWith("only=")).map((fl) => fl.slice(5));
  if (!ctx.flags.has("stan") || (only.length > 0 && !only.includes("stan"))) {
    ctx.log("peer:stan is opt-in: pnpm bench --only=peer:stan --stan");
    return [];
  }
  if (!existsSync(join(STAN_V1, "mmm_spec.stan")) || !existsSync(join(STAN_V2, "mmm_v2.stan")))
    throw new Error(`the Stan programs are not in ${shared}`);
  ensureStan(ctx);
  const dir = mkdtempSync(join(tmpdir(), "mixcast-peer-"));
  try {
    const which = [...ctx.flags].find((fl) => fl.startsWith("peer="))?.slice(5);
    const sections: BenchSection[] = [];
    if (which === undefined || which === "v1") sections.push(await v1Section(ctx, dir));
    if (which === undefined || which === "v2") sections.push(await v2Section(ctx, dir));
    return sections;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
