// WhatsApp templates: the `{{1}}`…`{{n}}` placeholders of an approved template body, their values per
// recipient, and the URL button whose fixed base is `<link base>/r/{{1}}` and whose suffix is the code.

/** Placeholder numbers used in the body, ascending and distinct. */
export function templatePlaceholders(body: string): number[] {
  const numbers = [...body.matchAll(/\{\{\s*(\d+)\s*\}\}/g)].map((m) => Number(m[1]));
  return [...new Set(numbers)].sort((a, b) => a - b);
}

/** How many variables the template takes (its highest placeholder). */
export function templateVariableCount(body: string): number {
  return templatePlaceholders(body).reduce((max, n) => Math.max(max, n), 0);
}

/** The body with each `{{n}}` replaced by `values[n - 1]`. */
export function renderTemplate(body: string, values: readonly string[]): string {
  return body.replace(/\{\{\s*(\d+)\s*\}\}/g, (raw, n: string) => values[Number(n) - 1] ?? raw);
}

/** The URL registered for the template's button in WhatsApp Manager: fixed base, dynamic suffix. */
export function buttonUrlTemplate(linkBase: string): string {
  return `${linkBase.replace(/\/+$/, '')}/r/{{1}}`;
}

/** The dynamic part WhatsApp appends to the button's base URL: the recipient's link code. */
export function buttonUrlSuffix(code: string): string {
  return code;
}

/** Twilio's `ContentVariables`: the body variables by position, then the button suffix. */
export function contentVariables(values: readonly string[], buttonSuffix?: string): Record<string, string> {
  const variables: Record<string, string> = {};
  values.forEach((value, i) => {
    variables[String(i + 1)] = value;
  });
  if (buttonSuffix !== undefined) variables[String(values.length + 1)] = buttonSuffix;
  return variables;
}
