// The sentence under a v2 decomposition (insights page and run report): which rule splits the
// KPI among components, and what the baseline is (shared/docs/model-v2.md section 4).

export interface DecompositionModelFacts {
  model: { rule: "additive" | "log-share"; baseline: "trend" | "knots"; knots: number };
}

/** The sentence under the decomposition: which rule splits the KPI, and what the baseline is. */
export function decompositionRuleText(d: DecompositionModelFacts): string {
  const base =
    d.model.baseline === "knots"
      ? ` The baseline follows ${d.model.knots} knots (a slowly moving level the data set, not a straight trend).`
      : "";
  if (d.model.rule === "log-share")
    return `Multiplicative model (log link): channels multiply the base, so their joint effect is not a sum of separate effects. Rule used here (log-share): the total media effect each week (fitted KPI minus the KPI with all media off) is split among channels in proportion to each channel's term on the log scale; "Base" is the KPI with all media off.${base}`;
  return `Additive model: each component is its own term, and the components add up to the fitted KPI each week.${base}`;
}
