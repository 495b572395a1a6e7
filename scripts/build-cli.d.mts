/** Builds the CLI bundle into `outdir` (default: the package's dist/). See build-cli.mjs. */
export function buildCli(options?: { outdir?: string }): Promise<void>;
