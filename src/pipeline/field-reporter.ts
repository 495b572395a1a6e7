/**
 * Reports problems about one config entry (a job, `default`, `workflow`) in GitLab's style:
 * `jobs:build:artifacts:paths config should be an array of strings`, pointing at the line of the
 * offending value.
 */
import type { ConfigMap } from './config-value.js';
import type { DiagnosticSink } from './diagnostic.js';
import type { Locations } from './locations.js';

export class FieldReporter {
  constructor(
    readonly sink: DiagnosticSink,
    readonly locations: Locations,
    /** Message prefix, e.g. "jobs:build" or "default". */
    readonly prefix: string,
    /** Diagnostic path prefix, e.g. ["build"]. */
    readonly path: readonly (string | number)[],
    /** The entry's map, to find positions. */
    readonly node: ConfigMap,
  ) {}

  /** `<prefix>:<key> <message>` at the value of `key`; nested keys are given as an array. */
  error(key: string | string[], message: string, holder: object = this.node): void {
    const keys = Array.isArray(key) ? key : [key];
    const last = keys[keys.length - 1]!;
    this.sink.error(`${[this.prefix, ...keys].join(':')} ${message}`, this.locations.valueOf(holder, last), [...this.path, ...keys]);
  }

  warning(key: string | string[], message: string, holder: object = this.node): void {
    const keys = Array.isArray(key) ? key : [key];
    const last = keys[keys.length - 1]!;
    this.sink.warning(`${[this.prefix, ...keys].join(':')} ${message}`, this.locations.valueOf(holder, last), [...this.path, ...keys]);
  }

  /** `<prefix> <message>` at the entry's key. */
  entryError(message: string, at = this.locations.of(this.node)): void {
    this.sink.error(`${this.prefix} ${message}`, at, [...this.path]);
  }
}
