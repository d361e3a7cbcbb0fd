"use client";
import { Suspense, useState, type FormEvent } from "react";
import { Input } from "@mixcast/ui";
import { AuthCard, CredentialFields, useAuthForm, type Credentials } from "@/components/auth-form.tsx";
import { authClient } from "@/lib/auth-client.ts";
import { passwordProblems, PASSWORD_MIN_LENGTH } from "@/lib/password-rules.ts";

function SignUpForm() {
  const { next, error, setError, pending, submit } = useAuthForm();
  const [name, setName] = useState("");
  const [{ email, password }, setCredentials] = useState<Credentials>({ email: "", password: "" });
  const [touched, setTouched] = useState(false);
  const problems = passwordProblems(password, email);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    setError(null);
    if (!name.trim()) return setError("Enter your name.");
    if (!/^\S+@\S+\.\S+$/.test(email)) return setError("Enter a valid email address.");
    if (problems.length > 0) return;
    await submit(() =>
      authClient.signUp.email({
        name: name.trim(),
        email: email.trim(),
        password,
        // The address confirmation link (emailed on sign-up) brings the user back here.
        callbackURL: next,
      }),
    );
  }

  return (
    <AuthCard
      title="Create your account"
      intro="You will create or join a workspace next."
      onSubmit={onSubmit}
      error={error}
      pending={pending}
      submitLabel="Create account"
      next={next}
      other={{ prompt: "Already have an account?", href: "/sign-in", label: "Sign in" }}
    >
      <Input
        label="Name"
        autoComplete="name"
        required
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <CredentialFields
        kind="sign-up"
        email={email}
        password={password}
        onChange={setCredentials}
        onPasswordBlur={() => setTouched(true)}
        passwordHint={`At least ${PASSWORD_MIN_LENGTH} characters, with a letter and a digit.`}
        passwordError={touched && problems.length > 0 ? problems.join(" ") : undefined}
      />
    </AuthCard>
  );
}

export default function SignUpPage() {
  return (
    <Suspense>
      <SignUpForm />
    </Suspense>
  );
}
