// The accessible names and browser hints of the sign-in and sign-up fields, rendered to HTML on the
// server (the first paint users and password managers see): each input is labelled, typed, required,
// and carries the autocomplete token that tells a stored password (sign-in) from a new one (sign-up).
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import SignInPage from "@/app/(auth)/sign-in/page.tsx";
import SignUpPage from "@/app/(auth)/sign-up/page.tsx";
import { CredentialFields } from "@/components/auth-form.tsx";

vi.mock("next/navigation", () => ({
  useRouter: () => ({ push: () => undefined, refresh: () => undefined }),
  useSearchParams: () => new URLSearchParams(),
}));

interface RenderedField {
  attrs: Record<string, string>;
  /** Text of the element the input's aria-describedby names, if any. */
  description: string | null;
}

/** An HTML tag's attributes by lower-case name (HTML's names are case-insensitive). */
const attributesOf = (tag: string): Record<string, string> =>
  Object.fromEntries(
    [...tag.matchAll(/([\w-]+)(?:="([^"]*)")?/g)].slice(1).map((m) => [m[1]!.toLowerCase(), m[2] ?? ""]),
  );

/** The input a <label> names (through for=id), with its attributes and description. */
function fieldByLabel(html: string, label: string): RenderedField {
  const labelled = [...html.matchAll(/<label for="([^"]+)"[^>]*>([^<]*)<\/label>/g)].find(
    (m) => m[2] === label,
  );
  if (!labelled) throw new Error(`no label "${label}"`);
  const id = labelled[1]!;
  const tag = [...html.matchAll(/<input[^>]*>/g)].map((m) => m[0]).find((t) => t.includes(`id="${id}"`));
  if (!tag) throw new Error(`no input for label "${label}"`);
  const attrs = attributesOf(tag);
  const describedBy = attrs["aria-describedby"];
  const description = describedBy
    ? (new RegExp(`id="${describedBy}"[^>]*>([^<]*)<`).exec(html)?.[1] ?? null)
    : null;
  return { attrs, description };
}

describe("sign-in and sign-up fields", () => {
  it("sign-in: email and the stored password, each labelled, typed and required", () => {
    const html = renderToStaticMarkup(<SignInPage />);
    expect(html.match(/<input/g)).toHaveLength(2);
    const email = fieldByLabel(html, "Email");
    expect(email.attrs).toMatchObject({ type: "email", autocomplete: "email", required: "" });
    expect(email.description).toBeNull();
    const password = fieldByLabel(html, "Password");
    expect(password.attrs).toMatchObject({
      type: "password",
      autocomplete: "current-password",
      required: "",
    });
    expect(password.attrs["aria-invalid"]).toBeUndefined();
    expect(password.description).toBeNull();
  });

  it("sign-up: name, work email and a new password whose rules are its description", () => {
    const html = renderToStaticMarkup(<SignUpPage />);
    expect(html.match(/<input/g)).toHaveLength(3);
    expect(fieldByLabel(html, "Name").attrs).toMatchObject({ autocomplete: "name", required: "" });
    const email = fieldByLabel(html, "Work email");
    expect(email.attrs).toMatchObject({ type: "email", autocomplete: "email", required: "" });
    expect(email.description).toBeNull();
    const password = fieldByLabel(html, "Password");
    expect(password.attrs).toMatchObject({ type: "password", autocomplete: "new-password", required: "" });
    expect(password.attrs["aria-invalid"]).toBeUndefined();
    expect(password.description).toBe("At least 10 characters, with a letter and a digit.");
  });

  it("a password error replaces the hint as the description and is announced", () => {
    const html = renderToStaticMarkup(
      <CredentialFields
        kind="sign-up"
        email="ana@example.test"
        password="short1"
        onChange={() => undefined}
        passwordHint="At least 10 characters, with a letter and a digit."
        passwordError="Use at least 10 characters."
      />,
    );
    const password = fieldByLabel(html, "Password");
    expect(password.attrs["aria-invalid"]).toBe("true");
    expect(password.description).toBe("Use at least 10 characters.");
    expect(html).toMatch(/role="alert"[^>]*>Use at least 10 characters\.</);
    expect(html).not.toContain("with a letter and a digit");
    expect(fieldByLabel(html, "Work email").attrs["aria-invalid"]).toBeUndefined();
  });
});
