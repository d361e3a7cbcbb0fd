// Writes seed/demo-dataset.csv: 156 weeks of synthetic social-media-heavy marketing data with a
// known structure (geometric adstock, Hill saturation, trend, yearly seasonality, price and
// holiday effects, noise). Deterministic: the same file on every machine.
//   pnpm --filter @mixcast/db exec tsx seed/generate-demo-dataset.ts
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const weeks = 156;
const start = Date.UTC(2023, 0, 2); // a Monday
const random = mulberry32(20261124);
const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

interface Channel {
  column: string;
  base: number; // typical weekly spend
  pattern: (week: number) => number; // 0..1 activity
  decay: number; // adstock retention
  halfSat: number; // Hill half-saturation, in adstocked spend
  shape: number; // Hill slope
  effect: number; // max weekly sales contribution
}

const flight = (on: number, off: number, phase = 0) => (w: number) => ((w + phase) % (on + off) < on ? 1 : 0);
const channels: Channel[] = [
  { column: "tv", base: 42000, pattern: flight(6, 5), decay: 0.6, halfSat: 45000, shape: 1.6, effect: 52000 },
  { column: "search", base: 16000, pattern: () => 1, decay: 0.1, halfSat: 14000, shape: 1.1, effect: 30000 },
  { column: "instagram", base: 12000, pattern: () => 1, decay: 0.35, halfSat: 11000, shape: 1.3, effect: 21000 },
  { column: "facebook", base: 10000, pattern: () => 1, decay: 0.3, halfSat: 12000, shape: 1.2, effect: 14000 },
  { column: "tiktok", base: 9000, pattern: (w) => (w < 40 ? 0 : 1), decay: 0.25, halfSat: 8000, shape: 1.5, effect: 18000 },
  { column: "x", base: 4000, pattern: flight(4, 4, 2), decay: 0.2, halfSat: 6000, shape: 1.2, effect: 4000 },
  { column: "influencer", base: 15000, pattern: flight(2, 6, 3), decay: 0.5, halfSat: 16000, shape: 2, effect: 16000 },
];

const header = ["week", "sales", ...channels.map((c) => c.column), "price", "holiday"];
const rows: string[] = [header.join(",")];
const carry = channels.map(() => 0);
for (let w = 0; w < weeks; w++) {
  const date = new Date(start + w * 7 * 86_400_000).toISOString().slice(0, 10);
  const dayOfYear = (w * 7) % 365.25;
  const holiday = [46, 47, 51].includes(w % 52) ? 1 : 0; // Black Friday, Cyber week, Christmas
  const price = Math.round((19.99 + 1.2 * Math.sin((2 * Math.PI * w) / 26) + (w > 100 ? 1 : 0) + 0.3 * normal()) * 100) / 100;
  let sales = 180_000 + 220 * w + 24_000 * Math.sin((2 * Math.PI * dayOfYear) / 365.25 - 1.2) - 6_000 * (price - 20) + 38_000 * holiday;
  const spends = channels.map((channel, i) => {
    const active = channel.pattern(w);
    const spend = active === 0 ? 0 : Math.max(0, channel.base * (0.75 + 0.5 * random()) * (1 + 0.6 * holiday));
    carry[i] = spend + channel.decay * carry[i]!;
    const x = carry[i]! / channel.halfSat;
    sales += (channel.effect * x ** channel.shape) / (1 + x ** channel.shape);
    return Math.round(spend);
  });
  sales += 7_500 * normal();
  rows.push([date, Math.round(sales), ...spends, price.toFixed(2), holiday].join(","));
}

const target = fileURLToPath(new URL("./demo-dataset.csv", import.meta.url));
writeFileSync(target, `${rows.join("\n")}\n`);
console.log(`wrote ${weeks} weeks to ${target}`);
