"use client";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useState, type FormEvent } from "react";
import { Button, Card, CardBody, FormError, Input } from "@mixcast/ui";
import { authClient } from "@/lib/auth-client.ts";
import { passwordProblems, PASSWORD_MIN_LENGTH } from "@/lib/password-rules.ts";
import { authErrorMessage } from "@/components/auth-error.ts";
import { safeNextPath } from "@/lib/safe-next.ts";

function SignUpForm() {
  const router = useRouter();
  const next = safeNextPath(useSearchParams().get("next"));
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [touched, setTouched] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const problems = passwordProblems(password, email);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    setError(null);
    if (!name.trim()) return setError("Enter your name.");
    if (!/^\S+@\S+\.\S+$/.test(email)) return setError("Enter a valid email address.");
    if (problems.length > 0) return;
    setPending(true);
    const { error: err } = await authClient.signUp.email({
      name: name.trim(),
      email: email.trim(),
      password,
      // The address confirmation link (emailed on sign-up) brings the user back here.
      callbackURL: next,
    });
    setPending(false);
    if (err) return setError(authErrorMessage(err));
    router.push(next);
    router.refresh();
  }

  return (
    <Card>
      <CardBody className="flex flex-col gap-4 py-6">
        <div>
          <h1 className="text-xl font-semibold">Create your account</h1>
          <p className="text-sm text-muted">You will create or join a workspace next.</p>
        </div>
        <form onSubmit={onSubmit} className="flex flex-col gap-4" noValidate>
          <Input
            label="Name"
            autoComplete="name"
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          <Input
            label="Work email"
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
          <Input
            label="Password"
            type="password"
            autoComplete="new-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            onBlur={() => setTouched(true)}
            hint={`At least ${PASSWORD_MIN_LENGTH} characters, with a letter and a digit.`}
            error={touched && problems.length > 0 ? problems.join(" ") : undefined}
          />
          <FormError>{error}</FormError>
          <Button type="submit" loading={pending}>
            Create account
          </Button>
        </form>
        <p className="text-sm text-muted">
          Already have an account?{" "}
          <Link
            className="font-medium text-primary hover:underline"
            href={`/sign-in${next !== "/" ? `?next=${encodeURIComponent(next)}` : ""}`}
          >
            Sign in
          </Link>
        </p>
      </CardBody>
    </Card>
  );
}

export default function SignUpPage() {
  return (
    <Suspense>
      <SignUpForm />
    </Suspense>
  );
}
