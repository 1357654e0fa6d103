// Drives the customer portal in headless Chromium, as a customer would: look up a claim, ask for
// a check instead of PayPal, see the request, switch to Spanish, and view it on a phone. Runs
// axe-core on every page and fails on any serious or critical violation. Saves screenshots.
// The pages carry no script at all (the integration tests check that), so they work the same
// without JavaScript; JavaScript stays on here only so that axe can run.
//
//   node tests/e2e/portal.mjs PORT CLAIM_NUMBER ZIP OUTDIR [LAST_NAME]

import { mkdtempSync, readFileSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const [port, claimNumber, zip, outdir, lastName = 'Lopez'] = process.argv.slice(2);
if (!port || !claimNumber || !zip || !outdir) {
  console.error('usage: node portal.mjs PORT CLAIM_NUMBER ZIP OUTDIR [LAST_NAME]');
  process.exit(2);
}
mkdirSync(outdir, { recursive: true });
const base = `http://127.0.0.1:${port}`;
const failures = [];

function expect(condition, what) {
  if (!condition) failures.push(what);
}

// axe runs through the DevTools protocol, so the page's CSP (no inline scripts) stays in force.
async function checkAccessibility(page, name) {
  await page.evaluate(axeSource);
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  for (const violation of results.violations) {
    if (violation.impact === 'serious' || violation.impact === 'critical') {
      failures.push(`${name}: axe ${violation.impact} ${violation.id}: ${violation.help}`);
    }
  }
  console.log(`${name}: ${results.violations.length} axe violations, none serious or critical expected`);
}

async function text(page, selector) {
  return (await page.textContent(selector))?.trim() ?? '';
}

const profile = mkdtempSync(join(tmpdir(), 'disburse-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1024, height: 900 },
});
try {
  const page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(15000);
  await page.goto(`${base}/?lang=en`);
  expect((await page.getAttribute('html', 'lang')) === 'en', 'home page is in English');
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(background === 'rgb(247, 247, 245)', `the stylesheet applies under the CSP (${background})`);
  await page.screenshot({ path: join(outdir, 'portal-home-en.png'), fullPage: true });
  await checkAccessibility(page, 'home');

  await page.fill('#claim', claimNumber);
  await page.fill('#zip', zip);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit].button')]);
  const nextStep = await text(page, '#next-step');
  expect(nextStep.includes('paper check'), `the status page offers a check (${nextStep})`);
  expect((await text(page, '#payment-method')) === 'PayPal', 'the payment method is PayPal');
  await page.screenshot({ path: join(outdir, 'portal-status-en.png'), fullPage: true });
  await checkAccessibility(page, 'status');

  await page.fill('#last_name', lastName);
  await page.check('#kind-check');
  await Promise.all([page.waitForNavigation(), page.click('#change-submit')]);
  const notice = await text(page, '#change-notice');
  expect(notice.includes('Your request was recorded'), `the request is recorded (${notice})`);
  const pending = await text(page, '#pending-change');
  expect(pending.includes('a paper check instead of PayPal'), `the request shows (${pending})`);
  await page.screenshot({ path: join(outdir, 'portal-check-requested-en.png'), fullPage: true });
  await checkAccessibility(page, 'check requested');

  await Promise.all([page.waitForNavigation(), page.click('button[name=lang]')]);
  expect((await page.getAttribute('html', 'lang')) === 'es', 'the language button switches to Spanish');
  const pendingSpanish = await text(page, '#pending-change');
  expect(pendingSpanish.includes('un cheque de papel'), `the request shows in Spanish (${pendingSpanish})`);
  await page.screenshot({ path: join(outdir, 'portal-check-requested-es.png'), fullPage: true });
  await checkAccessibility(page, 'status in Spanish');

  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  expect(!overflow, 'no horizontal scrolling on a phone');
  await page.screenshot({ path: join(outdir, 'portal-phone-es.png'), fullPage: true });
  await checkAccessibility(page, 'phone');
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}

if (failures.length > 0) {
  for (const failure of failures) console.error(`FAIL ${failure}`);
  process.exit(1);
}
console.log(`ok: screenshots in ${outdir}`);
