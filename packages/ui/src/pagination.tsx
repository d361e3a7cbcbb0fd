import { Button } from "./button.tsx";

/**
 * Cursor (keyset) pagination: the server hands out an opaque cursor for the next page; the
 * client keeps the stack of previous cursors, so going back costs nothing extra.
 */
export function Pagination({
  page,
  hasPrevious,
  hasNext,
  onPrevious,
  onNext,
  summary,
}: {
  page: number;
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
  summary?: string;
}) {
  return (
    <nav aria-label="Pagination" className="flex items-center justify-between gap-3 py-3 text-sm">
      <span className="text-muted">{summary ?? `Page ${page}`}</span>
      <div className="flex gap-2">
        <Button variant="secondary" size="sm" onClick={onPrevious} disabled={!hasPrevious}>
          Previous
        </Button>
        <Button variant="secondary" size="sm" onClick={onNext} disabled={!hasNext}>
          Next
        </Button>
      </div>
    </nav>
  );
}
