// Output helpers shared by commands: JSON for machines (`--json`), short text for people.
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

export function printResult(value: unknown, json: boolean, human: () => string): void {
  if (json) printJson(value);
  else process.stdout.write(`${human()}\n`);
}
