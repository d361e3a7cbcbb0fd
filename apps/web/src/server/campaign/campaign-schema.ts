import { z } from "zod";

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Use a date like 2026-03-02.");

export const campaignFieldsSchema = z.object({
  name: z.string().trim().min(2, "Name the campaign (at least 2 characters).").max(80),
  description: z.string().trim().max(500).optional(),
  startsOn: isoDate.optional(),
  endsOn: isoDate.optional(),
  budget: z.number().min(0).optional(),
  modelId: z.string().min(1).optional(),
});

export function checkFlight(f: { startsOn?: string | undefined; endsOn?: string | undefined }): string | null {
  if (f.startsOn && f.endsOn && f.endsOn < f.startsOn) return "The flight ends before it starts.";
  return null;
}

export const toDate = (d: string | undefined | null) => (d ? new Date(`${d}T00:00:00Z`) : null);
