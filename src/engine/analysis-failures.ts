import type { ScanWarning } from '../types.js';

/**
 * Per-file failures of rules and engine passes. A rule or pass that throws on one file (input
 * nested beyond the stack, odd syntax a rule did not expect) loses that file only: its findings
 * there are dropped, one warning names the rule or pass, the file and why, `stats.analysisFailures`
 * counts the files, and every other file and rule runs on. Never a silent loss.
 */
export class AnalysisFailures {
  private readonly byKey = new Map<string, { who: string; file: string; reason: string }>();

  /** `who` is a rule id or an engine pass name (`routes`, `dataflow`, ...). */
  record(who: string, file: string, error: unknown): void {
    const key = `${who}\0${file}`;
    if (this.byKey.has(key)) return;
    this.byKey.set(key, { who, file, reason: describeFailure(error) });
  }

  failed(who: string, file: string): boolean {
    return this.byKey.size > 0 && this.byKey.has(`${who}\0${file}`);
  }

  /** Plain records, to hand across threads. */
  entries(): Array<{ who: string; file: string; reason: string }> {
    return [...this.byKey.values()];
  }

  /** Failures recorded by another thread of the same scan. */
  merge(entries: ReadonlyArray<{ who: string; file: string; reason: string }>): void {
    for (const entry of entries) {
      const key = `${entry.who}\0${entry.file}`;
      if (!this.byKey.has(key)) this.byKey.set(key, { ...entry });
    }
  }

  /** Distinct files with at least one failure. */
  fileCount(): number {
    return new Set([...this.byKey.values()].map((failure) => failure.file)).size;
  }

  /** One warning per rule or pass and file, in a stable order. */
  warnings(): ScanWarning[] {
    return [...this.byKey.values()]
      .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.who < b.who ? -1 : a.who > b.who ? 1 : 0))
      .map(({ who, file, reason }) => ({
        code: 'analysis-failed',
        message: `${file}: ${who} could not analyse this file (${reason}); its findings there are missing, every other file was analysed`,
        file,
      }));
  }
}

function describeFailure(error: unknown): string {
  if (error instanceof RangeError && /call stack/i.test(error.message)) return 'nested too deeply';
  const message = error instanceof Error ? error.message : String(error);
  // Messages become part of JSON output: one line, bounded, and never a stack.
  const line = message.split('\n', 1)[0]!.slice(0, 200);
  return `internal error: ${line}`;
}

/**
 * Runs one unit of an engine pass (a route, a tainted call); a throw loses that unit, recorded
 * against its file. Without a collector (a direct call from a test) the error propagates.
 */
export function isolated<T>(failures: AnalysisFailures | undefined, who: string, file: string, unit: () => T): T | undefined {
  if (!failures) return unit();
  try {
    return unit();
  } catch (error) {
    failures.record(who, file, error);
    return undefined;
  }
}
