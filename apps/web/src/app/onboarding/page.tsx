"use client";
import { Card, CardBody } from "@mixcast/ui";
import { CreateWorkspaceForm } from "@/components/create-workspace-form.tsx";

export default function OnboardingPage() {
  return (
    <div className="flex min-h-screen items-center justify-center bg-bg px-4">
      <div className="w-full max-w-md">
        <p className="mb-6 text-center text-2xl font-bold tracking-tight">Mixcast</p>
        <Card>
          <CardBody className="flex flex-col gap-4 py-6">
            <div>
              <h1 className="text-xl font-semibold">Create your workspace</h1>
              <p className="text-sm text-muted">
                A workspace holds your team&apos;s datasets, models and runs. You will be its owner and can
                invite colleagues.
              </p>
            </div>
            <CreateWorkspaceForm />
          </CardBody>
        </Card>
      </div>
    </div>
  );
}
