import { z } from "zod";
import { channelRoles, channelTypes, kpiTypes, type ColumnMapping, type DataMappingV2 } from "@mixcast/core";

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

const column = z.string().trim().min(1);

/**
 * core's DataMappingV2 (a superset of ColumnMapping): geo and population, a units KPI with a value
 * per unit (column or number), channels with spend / exposure / reach & frequency or organic,
 * holidays. A mapping that uses none of these is stored and parsed as v1's (v1MappingOf).
 */
export const dataMappingV2Schema = z.object({
  date: z.string().min(1, "Choose the date column."),
  kpi: z.string().min(1, "Choose the KPI column."),
  kpiType: z.enum(kpiTypes).optional(),
  valueColumn: column.optional(),
  valuePerUnit: z.number().positive("The value of one unit must be above 0.").optional(),
  geo: column.optional(),
  population: column.optional(),
  channels: z
    .array(
      z.object({
        name: column.optional(),
        column: column.optional(),
        exposure: column.optional(),
        reach: column.optional(),
        frequency: column.optional(),
        role: z.enum(channelRoles).optional(),
        type: z.enum(channelTypes),
      }),
    )
    .min(1, "Map at least one channel."),
  controls: z.array(column).optional(),
  events: z.array(column).optional(),
  holidays: z.object({ country: z.string().trim().min(2), region: column.optional() }).optional(),
}) satisfies z.ZodType<DataMappingV2>;
