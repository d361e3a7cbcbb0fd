"use client";
import { Suspense, useState, type FormEvent } from "react";
import { AuthCard, CredentialFields, useAuthForm, type Credentials } from "@/components/auth-form.tsx";
import { authClient } from "@/lib/auth-client.ts";

function SignInForm() {
  const { next, error, setError, pending, submit } = useAuthForm();
  const [{ email, password }, setCredentials] = useState<Credentials>({ email: "", password: "" });

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
      <CredentialFields kind="sign-in" email={email} password={password} onChange={setCredentials} />
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
