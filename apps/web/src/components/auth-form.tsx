"use client";
// The sign-in and sign-up pages: one card shell (title, form, error, submit, link to the other
// page keeping ?next=), one pair of email and password fields, and one way to call better-auth and
// go on to ?next= when it succeeds.
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useState, type Dispatch, type FormEvent, type ReactNode, type SetStateAction } from "react";
import { Button, Card, CardBody, FormError, Input } from "@mixcast/ui";
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

export interface Credentials {
  email: string;
  password: string;
}

/**
 * What differs between the pages' credentials. The password's autocomplete token tells a password
 * manager which one it is: the stored password (sign-in) or a new one to offer and save (sign-up).
 */
const credentialKinds = {
  "sign-in": { emailLabel: "Email", passwordAutoComplete: "current-password" },
  "sign-up": { emailLabel: "Work email", passwordAutoComplete: "new-password" },
} as const;

/** The email and password inputs of both pages, over one `Credentials` state. */
export function CredentialFields({
  kind,
  email,
  password,
  onChange,
  passwordHint,
  passwordError,
  onPasswordBlur,
}: Credentials & {
  kind: keyof typeof credentialKinds;
  onChange: Dispatch<SetStateAction<Credentials>>;
  /** Under the password until it has an error (sign-up: its rules). */
  passwordHint?: ReactNode;
  passwordError?: string | undefined;
  onPasswordBlur?: () => void;
}) {
  const { emailLabel, passwordAutoComplete } = credentialKinds[kind];
  return (
    <>
      <Input
        label={emailLabel}
        type="email"
        autoComplete="email"
        required
        value={email}
        onChange={(e) => {
          const next = e.target.value;
          onChange((c) => ({ ...c, email: next }));
        }}
      />
      <Input
        label="Password"
        type="password"
        autoComplete={passwordAutoComplete}
        required
        value={password}
        onChange={(e) => {
          const next = e.target.value;
          onChange((c) => ({ ...c, password: next }));
        }}
        onBlur={onPasswordBlur}
        hint={passwordHint}
        error={passwordError}
      />
    </>
  );
}
