// A model's channels as pickers list them (campaign channel lists, the campaigns page), from its
// stored config of either version: v1 channels are paid; v2 channels are paid, reach & frequency
// or organic (core's channelRoleOf), keyed by the name plans and results use (channelNameOf).
import { channelNameOf, channelRoleOf } from "@mixcast/core";
import { decodeStoredModelConfig } from "@mixcast/runs/stored";

export interface ModelChannel {
  /** The key plans and results use: the spend column (v1, paid), or the v2 channel name. */
  column: string;
  type: string;
  role: "paid" | "rf" | "organic";
}

/** The channels of a stored model config; [] when the config no longer decodes. */
export function modelChannelsOf(json: unknown): ModelChannel[] {
  try {
    const stored = decodeStoredModelConfig(json);
    if (stored.version === 1)
      return stored.config.channels.map((c) => ({ column: c.column, type: c.type, role: "paid" as const }));
    return stored.config.channels.map((c) => ({
      column: channelNameOf(c),
      type: c.type,
      role: channelRoleOf(c),
    }));
  } catch {
    return [];
  }
}
