// Writes one benchmark's results into docs/benchmarks.md: replaces the section under its own `## heading`
// (or appends it), leaving every other section as it is, and records the command, date and machine.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

const FILE = new URL('../docs/benchmarks.md', import.meta.url);
const TITLE =
  "# Benchmarks\n\nFigures measured on this project's own hardware; each section says how to reproduce it.\n";

export function machine(loadBefore = loadavg()[0]!): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GB RAM, Node ${process.versions.node}; load average ${loadBefore.toFixed(1)} when started (the machine was shared)`;
}

export function writeSection(
  heading: string,
  section: { command: string; body: string; loadBefore?: number; notes?: string },
): void {
  const current = existsSync(FILE) ? readFileSync(FILE, 'utf8') : TITLE;
  const text = [
    `## ${heading}`,
    '',
    'Command:',
    '',
    '```sh',
    section.command,
    '```',
    '',
    `Run on ${new Date().toISOString().slice(0, 10)}: ${machine(section.loadBefore)}.`,
    '',
    section.body,
    ...(section.notes ? ['', section.notes] : []),
    '',
  ].join('\n');
  const start = current.indexOf(`\n## ${heading}\n`);
  if (start < 0) {
    writeFileSync(FILE, `${current.trimEnd()}\n\n${text}`);
    return;
  }
  const next = current.indexOf('\n## ', start + 1);
  writeFileSync(FILE, `${current.slice(0, start + 1)}${text}${next < 0 ? '' : current.slice(next)}`);
}
