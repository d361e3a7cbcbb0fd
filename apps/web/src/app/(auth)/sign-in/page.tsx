"use client";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useState, type FormEvent } from "react";
import { Button, Card, CardBody, FormError, Input } from "@mixcast/ui";
import { authClient } from "@/lib/auth-client.ts";
import { authErrorMessage } from "@/components/auth-error.ts";
import { safeNextPath } from "@/lib/safe-next.ts";

function SignInForm() {
  const router = useRouter();
  const next = safeNextPath(useSearchParams().get("next"));
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setPending(true);
    const { error: err } = await authClient.signIn.email({ email, password });
    setPending(false);
    if (err) return setError(authErrorMessage(err));
    router.push(next);
    router.refresh();
  }

  return (
    <Card>
      <CardBody className="flex flex-col gap-4 py-6">
        <div>
          <h1 className="text-xl font-semibold">Sign in</h1>
          <p className="text-sm text-muted">Welcome back. Sign in to see your team&apos;s models and runs.</p>
        </div>
        <form onSubmit={onSubmit} className="flex flex-col gap-4" noValidate>
          <Input
            label="Email"
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
          <Input
            label="Password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <FormError>{error}</FormError>
          <Button type="submit" loading={pending}>
            Sign in
          </Button>
        </form>
        <p className="text-sm text-muted">
          New to Mixcast?{" "}
          <Link
            className="font-medium text-primary hover:underline"
            href={`/sign-up${next !== "/" ? `?next=${encodeURIComponent(next)}` : ""}`}
          >
            Create an account
          </Link>
        </p>
      </CardBody>
    </Card>
  );
}

export default function SignInPage() {
  return (
    <Suspense>
      <SignInForm />
    </Suspense>
  );
}
