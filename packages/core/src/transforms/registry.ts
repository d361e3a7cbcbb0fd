/**
 * Transform registry: kind (serialization tag) -> descriptor. Adding a transform = one module
 * plus one line here (docs/model.md, "Adding a transform").
 */
import type { ChannelType } from "../data/types.ts";
import { authenticity } from "./authenticity.ts";
import { consistency } from "./consistency.ts";
import { delayedAdstock } from "./delayed.ts";
import { geometricAdstock } from "./geometric.ts";
import { hill } from "./hill.ts";
import { logisticSaturation } from "./logistic.ts";
import { network } from "./network.ts";
import { powerSaturation } from "./power.ts";
import type { Stage, Transform } from "./types.ts";
import { viralEcho } from "./viral-echo.ts";
import { weibullAdstock } from "./weibull.ts";

const registry = new Map<string, Transform>();

export function registerTransform(t: Transform): void {
  if (registry.has(t.kind)) throw new Error(`transform kind "${t.kind}" is already registered`);
  registry.set(t.kind, t);
}

export function getTransform(kind: string): Transform {
  const t = registry.get(kind);
  if (t === undefined) throw new Error(`unknown transform kind "${kind}"`);
  return t;
}

export function findTransform(kind: string): Transform | undefined {
  return registry.get(kind);
}

export function transformKinds(stage?: Stage): string[] {
  return [...registry.values()].filter((t) => stage === undefined || t.stage === stage).map((t) => t.kind);
}

for (const t of [
  geometricAdstock,
  delayedAdstock,
  weibullAdstock,
  viralEcho,
  network,
  authenticity,
  consistency,
  hill,
  logisticSaturation,
  powerSaturation,
]) {
  registerTransform(t);
}

/** Default pipeline per channel type (docs/model.md, Conventions). */
export interface DefaultPipeline {
  adstock: string;
  viralEcho: boolean;
  network: boolean;
  authenticity: boolean;
  consistency: boolean;
  saturation: string;
}

export function defaultPipeline(type: ChannelType): DefaultPipeline {
  return {
    adstock: "geometric",
    viralEcho: type === "social",
    network: type === "social",
    authenticity: type === "influencer",
    consistency: type === "influencer",
    saturation: "hill",
  };
}
