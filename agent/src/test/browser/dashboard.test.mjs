// Drives the dashboard in headless Debian chromium: node dashboard.test.mjs <agent-url> <stream> [token]
// Checks that the stream's card shows the live frame with overlays drawn from /api/events (the canvas's
// data-boxes / data-labels counts and its pixels), and that the query box gets an answer. Prints one JSON line
// with what it saw; exits 0 on success, 1 with the reason otherwise. GLIMPSE_SCREENSHOT=file.png saves the page.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [url, stream, token] = process.argv.slice(2);
if (!url || !stream) {
  console.error('usage: node dashboard.test.mjs <agent-url> <stream> [token]');
  process.exit(2);
}
const TIMEOUT = 45000;
const profile = mkdtempSync(join(tmpdir(), 'glimpse-chromium-'));
const pageErrors = [];
let context;
let code = 1;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,            // playwright passes --headless
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] || await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.goto(url, { timeout: TIMEOUT });
  if (token) {
    await page.waitForSelector('#login:not([hidden])', { timeout: TIMEOUT });
    await page.fill('#token', token);
    await page.click('#login button[type=submit]');
  }
  const canvas = `section.stream[data-stream="${stream}"] canvas`;
  await page.waitForSelector(canvas, { timeout: TIMEOUT });
  // overlays: boxes or points drawn from a tracks event, over a frame fetched from frame.jpg
  await page.waitForFunction((sel) => {
    const c = document.querySelector(sel);
    return c && Number(c.dataset.sequence) >= 0
      && Number(c.dataset.boxes) + Number(c.dataset.points) > 0 && Number(c.dataset.labels) > 0;
  }, canvas, { timeout: TIMEOUT });
  const seen = await page.evaluate((sel) => {
    const c = document.querySelector(sel);
    const g = c.getContext('2d');
    const d = g.getImageData(0, 0, c.width, c.height).data;
    const colours = new Set();
    for (let i = 0; i < d.length; i += 4 * 13) colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    return { width: Number(c.dataset.frameWidth), height: Number(c.dataset.frameHeight), boxes: Number(c.dataset.boxes), points: Number(c.dataset.points),
      labels: Number(c.dataset.labels), sequence: Number(c.dataset.sequence), colours: colours.size,
      stats: c.parentElement.querySelector('.stats').textContent, status: document.getElementById('status').textContent };
  }, canvas);
  if (seen.colours < 16) throw new Error('the canvas looks blank: ' + JSON.stringify(seen));
  if (!/fps/.test(seen.stats) || !/kv \d+ rows\/layer/.test(seen.stats)) throw new Error('no stats: ' + seen.stats);
  // the query box
  const card = `section.stream[data-stream="${stream}"]`;
  await page.fill(`${card} .ask input`, 'box all objects');
  await page.click(`${card} .ask button`);
  await page.waitForFunction((sel) => /kv: \d+ rows\/layer/.test(document.querySelector(sel + ' .answer').textContent),
    card, { timeout: TIMEOUT });
  seen.answer = (await page.textContent(`${card} .answer`)).split('\n')[0];
  await page.fill(`${card} .ask input`, 'fetch the unicorn');
  await page.click(`${card} .ask button`);
  await page.waitForSelector(`${card} .answer.error`, { timeout: TIMEOUT });
  seen.badQuery = await page.textContent(`${card} .answer`);
  if (pageErrors.length) throw new Error('page errors: ' + pageErrors.join('; '));
  if (process.env.GLIMPSE_SCREENSHOT) await page.screenshot({ path: process.env.GLIMPSE_SCREENSHOT, fullPage: true });
  console.log(JSON.stringify(seen));
  code = 0;
} catch (e) {
  console.error('dashboard test failed: ' + (e && e.message ? e.message : e));
  if (pageErrors.length) console.error('page errors: ' + pageErrors.join('; '));
} finally {
  if (context) await context.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
}
process.exit(code);
