"use client";
import { Suspense, useState, type FormEvent } from "react";
import { Input } from "@mixcast/ui";
import { AuthCard, useAuthForm } from "@/components/auth-form.tsx";
import { authClient } from "@/lib/auth-client.ts";

function SignInForm() {
  const { next, error, setError, pending, submit } = useAuthForm();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    await submit(() => authClient.signIn.email({ email, password }));
  }

  return (
    <AuthCard
      title="Sign in"
      intro="Welcome back. Sign in to see your team's models and runs."
      onSubmit={onSubmit}
      error={error}
      pending={pending}
      submitLabel="Sign in"
      next={next}
      other={{ prompt: "New to Mixcast?", href: "/sign-up", label: "Create an account" }}
    >
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
    </AuthCard>
  );
}

export default function SignInPage() {
  return (
    <Suspense>
      <SignInForm />
    </Suspense>
  );
}
