import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

/**
 * Where screenshots go: the README's docs/screenshots/ when RUNNEL_UPDATE_SCREENSHOTS=1 (run it
 * when the UI changes, and commit the pictures), else a temporary folder, so an ordinary test run
 * still takes every picture but leaves the working tree clean.
 */
export const SCREENSHOTS = process.env.RUNNEL_UPDATE_SCREENSHOTS === '1'
  ? join(import.meta.dirname, '..', '..', '..', 'docs', 'screenshots')
  : mkdtempSync(join(tmpdir(), 'runnel-screenshots-'));

/** Saves the viewport (1366×768, what a laptop shows) as <name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), animations: 'disabled' });
}
