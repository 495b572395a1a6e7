/**
 * The job log's visible markup, as gitlab-runner writes it, so GitLab-style log viewers fold
 * sections and colour lines the same way. Pure string builders.
 */
export const ANSI = {
  reset: '\x1b[0;m',
  boldGreen: '\x1b[32;1m',
  boldRed: '\x1b[31;1m',
  boldYellow: '\x1b[33;1m',
  boldCyan: '\x1b[36;1m',
  clearLine: '\x1b[0K',
} as const;

/**
 * Section names used by gitlab-runner (common/build.go BuildStage* and `step_` + step name).
 * Note gitlab-runner calls cache saving `archive_cache` and artifact upload
 * `upload_artifacts_on_success` / `upload_artifacts_on_failure`.
 */
export type SectionName =
  | 'prepare_executor'
  | 'prepare_script'
  | 'get_sources'
  | 'restore_cache'
  | 'download_artifacts'
  | 'step_script'
  | 'after_script'
  | 'archive_cache'
  | 'archive_cache_on_failure'
  | 'upload_artifacts_on_success'
  | 'upload_artifacts_on_failure'
  | 'cleanup_file_variables';

export function sectionStart(name: SectionName, unixSeconds: number, header: string, collapsed = false): string {
  const options = collapsed ? '[collapsed=true]' : '';
  return `section_start:${unixSeconds}:${name}${options}\r${ANSI.clearLine}${ANSI.boldCyan}${header}${ANSI.reset}\n`;
}

export function sectionEnd(name: SectionName, unixSeconds: number): string {
  return `section_end:${unixSeconds}:${name}\r${ANSI.clearLine}\n`;
}

export function successLine(text: string): string {
  return `${ANSI.boldGreen}${text}${ANSI.reset}\n`;
}

export function errorLine(text: string): string {
  return `${ANSI.boldRed}ERROR: ${text}${ANSI.reset}\n`;
}

export function warningLine(text: string): string {
  return `${ANSI.boldYellow}WARNING: ${text}${ANSI.reset}\n`;
}

export function limitExceededLine(limitBytes: number): string {
  return `\n${ANSI.boldYellow}Job's log exceeded limit of ${limitBytes} bytes.\n`
    + `Job execution will continue but no more output will be collected.${ANSI.reset}\n`;
}
