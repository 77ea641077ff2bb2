// Provider behaviour changed: the device-flow pages are rendered in Listgate's layout, while the form
// fields that the provider checks come from the HTML it hands our page functions. Relies on: the `form`
// argument of `userCodeInputSource` / `userCodeConfirmSource` carrying `action="…"` and a hidden
// `name="xsrf" value="…"` (lib/helpers/user_code_form.js; see provider-internals.canary.test.ts).

/** The provider's form carries its CSRF value (`xsrf`) and action; we render our own inputs around them. */
export function deviceFormParts(form: string): { action: string; xsrf: string } {
  return {
    action: form.match(/action="([^"]+)"/)?.[1] ?? '/oauth2/device',
    xsrf: form.match(/name="xsrf" value="([^"]+)"/)?.[1] ?? '',
  };
}
