import { describe, expect, it, afterEach } from "vitest";
import { cleanup, render, screen } from "@testing-library/react";
import { Input, RunStatusBadge, ProgressBar, EmptyState } from "./index.ts";

afterEach(cleanup);

describe("ui components", () => {
  it("a non-converged succeeded run is shown as a warning, never as success", () => {
    render(<RunStatusBadge status="succeeded" converged={false} />);
    expect(screen.queryByText("Succeeded")).toBeNull();
    expect(screen.getByText("Not converged").className).toContain("text-warning");
  });

  it("an input is labelled and its error is linked via aria-describedby", () => {
    render(<Input label="Email" error="Enter a valid email address" />);
    const input = screen.getByLabelText("Email");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    const describedBy = input.getAttribute("aria-describedby");
    expect(describedBy).toBeTruthy();
    expect(document.getElementById(describedBy!)?.textContent).toBe("Enter a valid email address");
  });

  it("progress bar clamps and exposes its value", () => {
    render(<ProgressBar value={140} label="Fitting" />);
    const bar = screen.getByRole("progressbar", { name: "Fitting" });
    expect(bar.getAttribute("aria-valuenow")).toBe("100");
  });

  it("empty state says what to do next", () => {
    render(<EmptyState title="No datasets yet" next="Upload a CSV with weekly spend and sales to start." />);
    expect(screen.getByText(/Upload a CSV/)).toBeTruthy();
  });
});
