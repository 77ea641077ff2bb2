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

/**
 * Runs `bench` for each dialect one after the other. Other work on a shared machine skews every figure: the
 * highest 1-minute load average seen during the run is kept, for the report to say.
 */
export async function perDialect<R>(
  dialects: string,
  bench: (dialect: string) => Promise<R>,
  log: (line: string) => void,
): Promise<{ results: R[]; loadBefore: number; loadMax: number }> {
  const results: R[] = [];
  const loadBefore = loadavg()[0]!;
  let loadMax = loadBefore;
  const timer = setInterval(() => {
    loadMax = Math.max(loadMax, loadavg()[0]!);
  }, 2000);
  try {
    for (const dialect of dialects.split(',')) {
      results.push(await bench(dialect.trim()));
      log(JSON.stringify(results[results.length - 1]));
    }
  } finally {
    clearInterval(timer);
  }
  return { results, loadBefore, loadMax };
}

/** A Markdown table with a column per dialect and a row per `[label, value]`. */
export function dialectTable<R extends { dialect: string }>(results: readonly R[], rows: readonly [string, (r: R) => string][]): string[] {
  return [
    `| | ${results.map((r) => (r.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL')).join(' | ')} |`,
    `|---|${results.map(() => '---:').join('|')}|`,
    ...rows.map(([label, f]) => `| ${label} | ${results.map(f).join(' | ')} |`),
  ];
}
