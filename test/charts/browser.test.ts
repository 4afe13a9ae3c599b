/**
 * The HTML report in a real browser (contract section 14): headless Chromium (Debian's
 * `chromium`, driven by playwright-core; no browser is downloaded) opens
 * `PHASE_21_AUTONOMOUS_EXECUTION.html` of a real run from a file:// URL with a fresh profile.
 * Every request but the page itself is recorded and refused, and the test asserts there were
 * none, that nothing was logged as an error, and that every chart drew: each chart's own
 * screenshot (PNG, decoded with pngjs) has non-white pixels.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS } from '../../src/options.ts';
import { runPhase21 } from '../../src/pipeline.ts';
import { SILENT_PROGRESS } from '../../src/ports.ts';
import { gridPredictions, removeTempDirs, runDirs, tempDir, writeTreeInput } from '../e2e/helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);

/** The flags of the brief: headless, no sandbox (root in CI), no GPU, nothing that phones home. */
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Share of a chart's pixels that must be drawn (not near-white) for it to count as drawn. */
const MIN_INK = 0.01;

/** Pixels of a PNG that are not near-white (any channel below 240), as a share of all pixels. */
function inkShare(png: Buffer): number {
  const image = PNG.sync.read(png);
  let ink = 0;
  for (let i = 0; i < image.data.length; i += 4) {
    if ((image.data[i] ?? 255) < 240 || (image.data[i + 1] ?? 255) < 240 || (image.data[i + 2] ?? 255) < 240) ink += 1;
  }
  return ink / (image.width * image.height);
}

if (!HAS_CHROMIUM) it.skip(`skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`, () => undefined);

describe.skipIf(!HAS_CHROMIUM)('the HTML report in headless Chromium', () => {
  let context: BrowserContext | null = null;
  let htmlFile = '';

  beforeAll(async () => {
    const root = tempDir('p21-browser-');
    const input = path.join(root, 'in');
    writeTreeInput(input, gridPredictions(3, 12, 3, (wave, task) => 0.35 + ((wave * 7 + task * 13) % 60) / 100));
    const dirs = runDirs('p21-browser-out-');
    const result = await runPhase21({ ...DEFAULT_OPTIONS, input, out: dirs.out, reportDir: dirs.report, seed: 5 }, { clock: { now: () => new Date(0) }, progress: SILENT_PROGRESS, version: 'browser-test', signal: undefined });
    expect(result.status).toBe('completed');
    htmlFile = path.join(dirs.report, 'PHASE_21_AUTONOMOUS_EXECUTION.html');
    context = await chromium.launchPersistentContext(tempDir('p21-chromium-profile-'), { executablePath: CHROMIUM, args: ARGS, headless: true, viewport: { width: 1300, height: 900 } });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    removeTempDirs();
  });

  it('loads nothing but itself, logs no error, and every chart drew', async () => {
    if (context === null) throw new Error('no browser');
    const pageUrl = pathToFileURL(htmlFile).href;
    const requests: string[] = [];
    const errors: string[] = [];
    await context.route('**/*', async (route) => {
      if (route.request().url() === pageUrl) await route.continue();
      else await route.abort();
    });
    const page = await context.newPage();
    page.on('request', (r) => {
      if (r.url() !== pageUrl) requests.push(r.url());
    });
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pageUrl, { waitUntil: 'load' });
    const full = await page.screenshot({ fullPage: true });
    writeFileSync(path.join(path.dirname(htmlFile), 'screenshot.png'), full);
    expect(inkShare(full)).toBeGreaterThan(MIN_INK);
    const charts = page.locator('figure.chart > svg');
    const figures = page.locator('figure.chart');
    const names: (string | null)[] = [];
    for (let i = 0; i < (await figures.count()); i++) names.push(await figures.nth(i).getAttribute('data-chart'));
    // health, three Gantt charts (one per wave), reliability and agent time, in report order.
    expect(names).toEqual(['charts/health.svg', 'charts/gantt_wave_1.svg', 'charts/gantt_wave_2.svg', 'charts/gantt_wave_3.svg', 'charts/reliability.svg', 'charts/agent_time.svg']);
    for (let i = 0; i < names.length; i++) {
      const chart = charts.nth(i);
      const box = await chart.boundingBox();
      expect(box?.width ?? 0, `${names[i] ?? i} has a size`).toBeGreaterThan(100);
      expect(inkShare(await chart.screenshot()), `${names[i] ?? i} drew`).toBeGreaterThan(MIN_INK);
    }
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
