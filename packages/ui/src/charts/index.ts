// Recharts-based charts of Mixcast's run insights, comparisons and planning views. Each chart is
// a pure rows function (tested) plus a component inside a ChartCard (units, CSV, states).
export * from "./theme.ts";
export * from "./csv.ts";
export * from "./chart-card.tsx";
export * from "./tooltip.tsx";
export * from "./interval-series.tsx";
export * from "./interval-bar-chart.tsx";
export * from "./fit-chart.tsx";
export * from "./decomposition-chart.tsx";
export * from "./roi-charts.tsx";
export * from "./response-curves.tsx";
export * from "./adstock-chart.tsx";
export * from "./spend-chart.tsx";
export * from "./social-insights.tsx";
export * from "./forest-plot.tsx";
export * from "./comparison-charts.tsx";
export * from "./planning-charts.tsx";
export * from "./v2-charts.tsx";
export * from "./geo-small-multiples.tsx";
