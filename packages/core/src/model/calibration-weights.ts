/**
 * Weights of registry lift tests (docs/model.md section 11.2). A test counts less the older it is
 * and the further the spend level it was run at lies from the channel's spend today:
 *
 *   weight = 0.5^(ageWeeks / halfLifeWeeks) * exp(-|ln(spendTest / spendRecent)| / spendScale)
 *
 *   ageWeeks    = (asOf - test end) in days / 7, at least 0 (asOf: the last training week)
 *   spendTest   = spend during the test / the test's number of weeks (spend per week)
 *   spendRecent = the channel's spend per week over the last `recentWeeks` training weeks, in the
 *                 test's geos (all geos for a national test)
 *
 * and the test enters the likelihood with the effective standard error se / sqrt(weight) (a
 * weight of 1/4 doubles it). Tests whose weight falls below `minWeight` are left out of the fit.
 */

export interface LiftTestWeightOptions {
  /** Age at which a test counts half (default 52 weeks). */
  halfLifeWeeks?: number;
  /** A spend level e times (or 1/e times) today's counts exp(-1) (default 1). */
  spendScale?: number;
  /** Weeks of the recent spend level (default 13, the planning window). */
  recentWeeks?: number;
  /** Tests weighted below this are left out of the fit (default 0.01: se x 10). */
  minWeight?: number;
}

export const LIFT_TEST_WEIGHT_DEFAULTS: Required<LiftTestWeightOptions> = {
  halfLifeWeeks: 52,
  spendScale: 1,
  recentWeeks: 13,
  minWeight: 0.01,
};

export interface LiftTestWeightInput {
  /** Last day of the test (ISO date). */
  end: string;
  /** Measured lift's standard error in KPI units. */
  se: number;
  /** Spend per week during the test and per week recently (same currency, same geos). */
  spendPerWeek: number;
  recentSpendPerWeek: number;
  /** The date the weight is taken at (the data's last training week, ISO date). */
  asOf: string;
}

export interface LiftTestWeight {
  ageWeeks: number;
  ageFactor: number;
  /** spendTest / spendRecent (NaN when either is not positive) */
  spendRatio: number;
  spendFactor: number;
  weight: number;
  /** se / sqrt(weight); Infinity when the weight is 0 */
  effectiveSe: number;
  /** false when the weight is below minWeight (the test is pinned but not fitted) */
  used: boolean;
}

const DAY_MS = 86_400_000;

function dayNumber(iso: string, what: string): number {
  const ms = Date.parse(`${iso.slice(0, 10)}T00:00:00Z`);
  if (!Number.isFinite(ms)) throw new Error(`${what}: "${iso}" is not an ISO date`);
  return ms / DAY_MS;
}

export function liftTestWeight(
  test: LiftTestWeightInput,
  options: LiftTestWeightOptions = {},
): LiftTestWeight {
  const o = { ...LIFT_TEST_WEIGHT_DEFAULTS, ...options };
  if (!(o.halfLifeWeeks > 0)) throw new Error("halfLifeWeeks must be > 0");
  if (!(o.spendScale > 0)) throw new Error("spendScale must be > 0");
  const ageWeeks = Math.max(0, (dayNumber(test.asOf, "asOf") - dayNumber(test.end, "test end")) / 7);
  const ageFactor = Math.pow(0.5, ageWeeks / o.halfLifeWeeks);
  const ok = test.spendPerWeek > 0 && test.recentSpendPerWeek > 0;
  const spendRatio = ok ? test.spendPerWeek / test.recentSpendPerWeek : Number.NaN;
  // a channel that is off today (or a test without spend) says nothing about today's level
  const spendFactor = ok ? Math.exp(-Math.abs(Math.log(spendRatio)) / o.spendScale) : 0;
  const weight = ageFactor * spendFactor;
  return {
    ageWeeks,
    ageFactor,
    spendRatio,
    spendFactor,
    weight,
    effectiveSe: weight > 0 ? test.se / Math.sqrt(weight) : Number.POSITIVE_INFINITY,
    used: weight >= o.minWeight,
  };
}

/**
 * A channel's spend per week over the last `weeks` rows before `trainingWeeks` (spend per row,
 * already summed over the geos that matter).
 */
export function recentSpendPerWeek(spend: ArrayLike<number>, trainingWeeks: number, weeks: number): number {
  const n = Math.min(weeks, trainingWeeks);
  if (n <= 0) return 0;
  let s = 0;
  for (let t = trainingWeeks - n; t < trainingWeeks; t++) s += spend[t] as number;
  return s / n;
}

/** A test as the workspace registry holds it (docs/model.md section 11.1). */
export interface RegistryLiftTest {
  id: string;
  channel: string;
  start: string;
  end: string;
  /** Empty or absent: national (every geo). */
  geos?: readonly string[];
  /** Measured incremental KPI over the test's weeks and geos, and its standard error (KPI units). */
  lift: number;
  se: number;
  /** Spend on the channel during the test, in the test's geos (currency). */
  spend: number;
}

/** What a run pins of a test: the values as used, its weight and whether it entered the fit. */
export interface PinnedLiftTest extends RegistryLiftTest, LiftTestWeight {
  /** Data weeks inside the test's dates. */
  weeks: number;
  spendPerWeek: number;
  recentSpendPerWeek: number;
  /** Why the test is not in the fit (used = false), in words. */
  excludedReason?: string;
}

/** The data a run's tests are weighted against: weeks, geos and each channel's spend. */
export interface LiftTestWeightData {
  dates: readonly string[];
  trainingWeeks: number;
  geos: readonly string[];
  /** Spend per [geo][week] of a channel by name; null for channels without spend (organic). */
  spend(channel: string): readonly ArrayLike<number>[] | null;
}

/**
 * Weighs a run's registry tests against its data (liftTestWeight per test) and says which enter the
 * fit: a test whose channel is not in the model, whose weeks miss the training weeks or whose geos
 * are not in the data is pinned with its reason and left out, as is one weighted below minWeight.
 * `liftTests` is what the fit's config receives: the used tests with se = the effective se.
 */
export function weighRegistryLiftTests(
  tests: readonly RegistryLiftTest[],
  data: LiftTestWeightData,
  options: LiftTestWeightOptions = {},
): {
  pinned: PinnedLiftTest[];
  liftTests: { channel: string; start: string; end: string; lift: number; se: number; geos?: string[] }[];
} {
  const o = { ...LIFT_TEST_WEIGHT_DEFAULTS, ...options };
  const T = data.trainingWeeks;
  const asOf = data.dates[T - 1] as string;
  const pinned: PinnedLiftTest[] = [];
  const liftTests: ReturnType<typeof weighRegistryLiftTests>["liftTests"] = [];
  for (const test of tests) {
    const geos = test.geos && test.geos.length > 0 ? [...test.geos] : [];
    const rows: number[] = [];
    data.dates.forEach((d, t) => {
      if (d >= test.start && d <= test.end) rows.push(t);
    });
    const spend = data.spend(test.channel);
    const geoIdx = geos.map((g) => data.geos.indexOf(g));
    let reason: string | undefined;
    if (spend === null) reason = `the model has no paid channel "${test.channel}"`;
    else if (rows.length === 0) reason = "no data week falls in the test's dates";
    else if ((rows[rows.length - 1] as number) >= T) reason = "the test reaches into the holdout weeks";
    else if (geoIdx.some((g) => g < 0))
      reason = `geo ${geos.filter((_, i) => (geoIdx[i] as number) < 0).join(", ")} is not in the data`;
    const weeks = rows.length;
    const spendPerWeek = weeks > 0 ? test.spend / weeks : 0;
    let recent = 0;
    if (spend !== null) {
      const use = geos.length > 0 ? geoIdx.filter((g) => g >= 0) : spend.map((_, g) => g);
      const perWeek = new Float64Array(T);
      for (const g of use) {
        const row = spend[g] as ArrayLike<number>;
        for (let t = 0; t < T; t++) perWeek[t] = (perWeek[t] as number) + (row[t] as number);
      }
      recent = recentSpendPerWeek(perWeek, T, o.recentWeeks);
    }
    const w = liftTestWeight(
      { end: test.end, se: test.se, spendPerWeek, recentSpendPerWeek: recent, asOf },
      options,
    );
    if (reason === undefined && !w.used)
      reason = `weight ${w.weight.toPrecision(2)} is below ${o.minWeight} (too old or spend too different from today's)`;
    const pin: PinnedLiftTest = {
      ...test,
      geos,
      ...w,
      used: reason === undefined,
      weeks,
      spendPerWeek,
      recentSpendPerWeek: recent,
      ...(reason !== undefined ? { excludedReason: reason } : {}),
    };
    pinned.push(pin);
    if (pin.used)
      liftTests.push({
        channel: test.channel,
        start: test.start,
        end: test.end,
        lift: test.lift,
        se: w.effectiveSe,
        ...(geos.length > 0 ? { geos } : {}),
      });
  }
  return { pinned, liftTests };
}
