"use client";
// The sign-in and sign-up pages: one card shell (title, form, error, submit, link to the other
// page keeping ?next=) and one way to call better-auth and go on to ?next= when it succeeds.
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useState, type FormEvent, type ReactNode } from "react";
import { Button, Card, CardBody, FormError } from "@mixcast/ui";
import { authErrorMessage } from "@/components/auth-error.ts";
import { safeNextPath } from "@/lib/safe-next.ts";

type AuthError = Parameters<typeof authErrorMessage>[0];

/** State of an auth form: where to go after it (?next=, same-site only), its error, and the call. */
export function useAuthForm() {
  const router = useRouter();
  const next = safeNextPath(useSearchParams().get("next"));
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  /** Runs a better-auth call; on success goes to `next`, else shows its error in plain words. */
  async function submit(call: () => Promise<{ error: AuthError }>) {
    setPending(true);
    const { error: err } = await call();
    setPending(false);
    if (err) return setError(authErrorMessage(err));
    router.push(next);
    router.refresh();
  }

  return { next, error, setError, pending, submit };
}

export function AuthCard({
  title,
  intro,
  onSubmit,
  error,
  pending,
  submitLabel,
  children,
  next,
  other,
}: {
  title: string;
  intro: ReactNode;
  onSubmit: (e: FormEvent) => void;
  error: string | null;
  pending: boolean;
  submitLabel: string;
  /** The form's fields. */
  children: ReactNode;
  next: string;
  /** The other auth page, offered under the form with the same ?next=. */
  other: { prompt: string; href: "/sign-in" | "/sign-up"; label: string };
}) {
  return (
    <Card>
      <CardBody className="flex flex-col gap-4 py-6">
        <div>
          <h1 className="text-xl font-semibold">{title}</h1>
          <p className="text-sm text-muted">{intro}</p>
        </div>
        <form onSubmit={onSubmit} className="flex flex-col gap-4" noValidate>
          {children}
          <FormError>{error}</FormError>
          <Button type="submit" loading={pending}>
            {submitLabel}
          </Button>
        </form>
        <p className="text-sm text-muted">
          {other.prompt}{" "}
          <Link
            className="font-medium text-primary hover:underline"
            href={`${other.href}${next !== "/" ? `?next=${encodeURIComponent(next)}` : ""}`}
          >
            {other.label}
          </Link>
        </p>
      </CardBody>
    </Card>
  );
}
