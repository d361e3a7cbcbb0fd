// What the model editor shows as defaults: the pipeline and priors core would use for a channel
// type, straight from core's transform registry (so the UI never disagrees with the model).
import type { ChannelType } from "@mixcast/core";
import { resolvePipeline, type ChannelConfig } from "@mixcast/core";
import type { Prior } from "@mixcast/core";
import { defaultPipeline, findTransform, transformKinds } from "@mixcast/core";
import type { Stage } from "@mixcast/core";

export const BETA_DEFAULT_PRIOR: Prior = { dist: "halfNormal", scale: 1 };

export const MULTIPLIER_STAGES = ["viralEcho", "network", "authenticity", "consistency"] as const;
export type MultiplierStage = (typeof MULTIPLIER_STAGES)[number];

export const STAGE_LABELS: Record<Stage, string> = {
  adstock: "Carry-over (adstock)",
  viralEcho: "Viral echo",
  network: "Network effect",
  authenticity: "Authenticity",
  consistency: "Posting consistency",
  saturation: "Saturation",
};

export function adstockKinds(): string[] {
  return transformKinds("adstock");
}
export function saturationKinds(): string[] {
  return transformKinds("saturation");
}
export { defaultPipeline };

export interface ParamRow {
  name: string;
  stage: Stage;
  kind: string;
  description: string;
  constraint: string;
  defaultPrior: Prior;
  override: Prior | undefined;
}

/** Every parameter of a channel's resolved pipeline, with its default prior and any override. */
export function channelParams(ch: ChannelConfig): ParamRow[] {
  const rows: ParamRow[] = [
    {
      name: "beta",
      stage: "saturation",
      kind: "coefficient",
      description: "effect size of the channel",
      constraint: "positive",
      defaultPrior: BETA_DEFAULT_PRIOR,
      override: ch.beta ?? ch.priors?.beta,
    },
  ];
  for (const st of resolvePipeline(ch)) {
    const t = findTransform(st.kind);
    for (const p of t?.params ?? []) {
      rows.push({
        name: p.name,
        stage: st.stage,
        kind: st.kind,
        description: p.description,
        constraint: p.constraint,
        defaultPrior: p.defaultPrior(ch.type as ChannelType),
        override: st.priors[p.name] ?? ch.priors?.[p.name],
      });
    }
  }
  return rows;
}

const fmt = (x: number) => String(Math.round(x * 1000) / 1000);

export function formatPrior(p: Prior): string {
  switch (p.dist) {
    case "normal":
      return `Normal(${fmt(p.mean)}, ${fmt(p.sd)})`;
    case "beta":
      return `Beta(${fmt(p.a)}, ${fmt(p.b)})`;
    case "gamma":
      return `Gamma(${fmt(p.shape)}, ${fmt(p.rate)})`;
    case "halfNormal":
      return `HalfNormal(${fmt(p.scale)})`;
    case "logNormal":
      return `LogNormal(${fmt(p.mu)}, ${fmt(p.sigma)})`;
  }
}

/** Parses "Beta(2, 6)", "halfnormal(0.5)", ... Returns an error message for anything else. */
export function parsePrior(text: string): { prior: Prior } | { error: string } {
  const m = /^\s*([a-z]+)\s*\(\s*([-+0-9.eE]+)\s*(?:,\s*([-+0-9.eE]+)\s*)?\)\s*$/i.exec(text);
  const help =
    "Write a prior like Beta(2, 6), Gamma(2, 2), Normal(0, 1), HalfNormal(0.5) or LogNormal(0, 1).";
  if (!m) return { error: help };
  const name = m[1]!.toLowerCase();
  const a = Number(m[2]);
  const b = m[3] === undefined ? undefined : Number(m[3]);
  const two = (f: (x: number, y: number) => Prior) =>
    b === undefined || !Number.isFinite(a) || !Number.isFinite(b)
      ? { error: `${m[1]} needs two numbers. ${help}` }
      : { prior: f(a, b) };
  switch (name) {
    case "normal":
      return two((mean, sd) => ({ dist: "normal", mean, sd }));
    case "beta":
      return two((x, y) => ({ dist: "beta", a: x, b: y }));
    case "gamma":
      return two((shape, rate) => ({ dist: "gamma", shape, rate }));
    case "lognormal":
      return two((mu, sigma) => ({ dist: "logNormal", mu, sigma }));
    case "halfnormal":
      return b !== undefined || !Number.isFinite(a)
        ? { error: `HalfNormal takes one number. ${help}` }
        : { prior: { dist: "halfNormal", scale: a } };
    default:
      return { error: `Unknown distribution "${m[1]}". ${help}` };
  }
}
