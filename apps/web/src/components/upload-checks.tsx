"use client";
// Before a dataset is saved (issues 14 and 17): the data checks of the current mapping and, for a
// long (geo) file, small multiples of KPI and total spend per geo. Computed in the browser
// (lib/upload-checks.ts, core's checkData), so every change of the mapping is re-checked at once.
import { useMemo, useState } from "react";
import { Alert, Card, CardBody, CardHeader, Select } from "@mixcast/ui";
import { GeoSmallMultiples } from "@mixcast/ui/charts";
import { DataFindings } from "@/components/data-checks-card.tsx";
import { currencySymbol } from "@/components/format.ts";
import { geoPages, perGeoSeries, type UploadCheck } from "@/lib/upload-checks.ts";
import { useWorkspace } from "./workspace-context.tsx";

export function UploadChecks({ check, kpiName }: { check: UploadCheck; kpiName: string }) {
  const ws = useWorkspace();
  const [page, setPage] = useState(0);
  const pages = useMemo(
    () =>
      check.ok && check.dataset && check.dataset.geos.length > 1 ? geoPages(perGeoSeries(check.dataset)) : [],
    [check],
  );
  if (!check.ok)
    return (
      <Alert tone="warning" title="Data checks wait for a file that validates">
        {check.errorCount} problem{check.errorCount === 1 ? "" : "s"} with this mapping, for example:{" "}
        {check.errors[0]?.row ? `row ${check.errors[0].row}, ` : ""}
        {check.errors[0]?.column ? `column ${check.errors[0].column}: ` : ""}
        {check.errors[0]?.message}. Saving lists them all.
      </Alert>
    );
  const r = check.report;
  const shown = pages[Math.min(page, pages.length - 1)];
  return (
    <>
      <Card>
        <CardHeader
          title="4. Data checks"
          description={`What a model on this data would see: ${r.trainingWeeks} training weeks (the last ${check.holdoutWeeks} held out)${r.geos > 1 ? ` in ${r.geos} geos` : ""}, about ${r.parameterCount} parameters. Checked in your browser for the mapping above.`}
        />
        <CardBody className="flex flex-col gap-3" data-testid="upload-data-checks">
          <DataFindings findings={r.findings} />
          {r.blocking ? (
            <Alert tone="danger" title="A blocking finding">
              You can save this version, but a fit on it is refused unless someone ticks “Fit anyway” when
              starting it (recorded in the audit log), and scheduled refits skip it. Fixing the data or the
              mapping now is usually better.
            </Alert>
          ) : null}
        </CardBody>
      </Card>
      {shown ? (
        <Card>
          <CardHeader
            title="5. Preview per geo"
            description={`${kpiName} and total spend of the paid channels, week by week, ${pages.length > 1 ? `${shown.geos.length} of ${check.dataset!.geos.length} geos at a time` : "one chart per geo"}.`}
          />
          <CardBody className="flex flex-col gap-3">
            {pages.length > 1 ? (
              <Select
                label="Geos shown"
                value={String(page)}
                options={pages.map((p, i) => ({ value: String(i), label: p.label }))}
                onChange={(e) => setPage(Number(e.target.value))}
              />
            ) : null}
            <GeoSmallMultiples
              geos={shown.geos}
              units={{ currency: currencySymbol(ws.currency), kpi: kpiName }}
            />
          </CardBody>
        </Card>
      ) : null}
    </>
  );
}
