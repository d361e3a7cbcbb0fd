import { z } from "zod";
import { channelTypes, type ColumnMapping } from "@mixcast/core";

/** core's ColumnMapping as a zod schema, for tRPC input validation. */
export const columnMappingSchema = z.object({
  date: z.string().min(1, "Choose the date column."),
  kpi: z.string().min(1, "Choose the KPI column."),
  channels: z
    .array(z.object({ column: z.string().min(1), type: z.enum(channelTypes) }))
    .min(1, "Map at least one channel."),
  controls: z.array(z.string().min(1)).optional(),
  events: z.array(z.string().min(1)).optional(),
}) satisfies z.ZodType<ColumnMapping>;
