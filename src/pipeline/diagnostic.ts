/**
 * Compile problems. The compiler never throws on bad input: every problem becomes a Diagnostic
 * with the place it was found, and all of them are returned at once (Concourse's habit).
 */
export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  /** GitLab's wording where GitLab has one, e.g. `jobs:build config contains unknown keys: scirpt`. */
  message: string;
  /** Repository path of the file the problem is in (the root config unless it came from an include). */
  file: string;
  /** 1-based; 0 when the problem has no place in a file (e.g. a limit on the whole run). */
  line: number;
  /** 1-based; 0 when unknown. */
  column: number;
  /** Config path of the offending value, segments joined with `:` (e.g. `build:rules:0:if`). */
  path: string;
}

/** A place in a source file. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

export const NO_POSITION: SourcePosition = { file: '', line: 0, column: 0 };

/** Collects diagnostics; the one mutable thing a compilation owns. */
export class DiagnosticSink {
  readonly items: Diagnostic[] = [];

  error(message: string, at: SourcePosition, path: readonly (string | number)[] = []): void {
    this.items.push({ severity: 'error', message, file: at.file, line: at.line, column: at.column, path: path.join(':') });
  }

  warning(message: string, at: SourcePosition, path: readonly (string | number)[] = []): void {
    this.items.push({ severity: 'warning', message, file: at.file, line: at.line, column: at.column, path: path.join(':') });
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }
}
