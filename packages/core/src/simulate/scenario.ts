/** Channel line-ups for the simulator: the demo brand and the 6-channel recovery set. */
import type { ChannelType } from "../data/types.ts";
import type { SpendPlan } from "./spend.ts";

export interface SimChannel {
  name: string;
  type: ChannelType;
  plan: SpendPlan;
  /** Strong organic echo (viral coefficient kappa drawn high). Social channels only. */
  viral?: boolean;
}

/** The demo brand (issue 3): TV, Search, four social channels and an influencer programme. */
export const DEMO_CHANNELS: SimChannel[] = [
  {
    name: "TV",
    type: "traditional",
    plan: { pattern: "flighted", level: 42_000, onWeeks: 5, offWeeks: 5, seasonality: 0.3, noise: 0.12 },
  },
  {
    name: "Search",
    type: "digital",
    plan: { pattern: "always-on", level: 24_000, seasonality: 0.35, trend: 0.25, noise: 0.12 },
  },
  {
    name: "Instagram",
    type: "social",
    viral: true,
    plan: { pattern: "always-on", level: 12_000, trend: 0.6, noise: 0.25 },
  },
  {
    name: "Facebook",
    type: "social",
    plan: { pattern: "pulsing", level: 9_000, burstRate: 0.07, burstWeeks: 3, trend: -0.3, noise: 0.2 },
  },
  {
    name: "TikTok",
    type: "social",
    plan: {
      pattern: "burst",
      level: 15_000,
      burstRate: 0.08,
      burstWeeks: 3,
      base: 0.1,
      trend: 0.8,
      noise: 0.25,
    },
  },
  {
    name: "X (Twitter)",
    type: "social",
    plan: { pattern: "flighted", level: 4_000, onWeeks: 3, offWeeks: 6, noise: 0.2 },
  },
  {
    name: "Influencer",
    type: "influencer",
    plan: { pattern: "burst", level: 11_000, burstRate: 0.07, burstWeeks: 4, base: 0.15, noise: 0.3 },
  },
];

/** 156 x 6 recovery scenario of docs/model.md section 7: one viral social channel, one influencer. */
export const RECOVERY_CHANNELS: SimChannel[] = [
  {
    name: "TV",
    type: "traditional",
    plan: { pattern: "flighted", level: 40_000, onWeeks: 5, offWeeks: 4, seasonality: 0.3, noise: 0.15 },
  },
  {
    name: "Search",
    type: "digital",
    plan: { pattern: "always-on", level: 22_000, seasonality: 0.35, trend: 0.3, noise: 0.2 },
  },
  {
    name: "Display",
    type: "digital",
    plan: { pattern: "pulsing", level: 9_000, burstRate: 0.08, burstWeeks: 2, noise: 0.25 },
  },
  {
    name: "Radio",
    type: "traditional",
    plan: { pattern: "flighted", level: 10_000, onWeeks: 3, offWeeks: 5, noise: 0.15 },
  },
  {
    name: "Instagram",
    type: "social",
    viral: true,
    plan: { pattern: "always-on", level: 12_000, trend: 0.6, noise: 0.3 },
  },
  {
    name: "Influencer",
    type: "influencer",
    plan: { pattern: "burst", level: 11_000, burstRate: 0.08, burstWeeks: 4, base: 0.15, noise: 0.3 },
  },
];
