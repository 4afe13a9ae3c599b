/**
 * Child process of test/charts/render.test.ts: renders the sample spec and prints its SVG,
 * so the test can compare the bytes under other time zones (`TZ` set before anything loads).
 */
import { renderSvg } from '../../src/charts/render.ts';
import { sampleTimeSpec } from './samples.ts';

process.stdout.write(await renderSvg(sampleTimeSpec()));
