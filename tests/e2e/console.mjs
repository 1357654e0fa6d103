// Drives the console as an administrator would, in Debian's Chromium: sign in, open each
// screen, take a screenshot, and run axe-core on it. Exits 1 on any failure or any serious or
// critical accessibility violation. The context bypasses the CSP only so that axe-core can be
// injected; the pages themselves run no script.
// Usage: node tests/e2e/console.mjs BASE_URL USERNAME PASSWORD OUTPUT_DIR
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const [base, username, password, outputDir] = process.argv.slice(2);
mkdirSync(outputDir, { recursive: true });

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failures = 0;
function fail(message) { console.error(`FAIL ${message}`); failures++; }

async function audit(page, name) {
  await page.screenshot({ path: `${outputDir}/${name}.png`, fullPage: true });
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => await window.axe.run(document));
  for (const violation of result.violations) {
    if (violation.impact === 'serious' || violation.impact === 'critical') {
      fail(`${name}: ${violation.id} (${violation.impact}): ${violation.help}`);
    }
  }
}

try {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true })).newPage();
  await page.goto(`${base}/admin/`);
  if (!page.url().endsWith('/admin/login')) fail(`unsigned visit was not sent to sign-in: ${page.url()}`);
  await audit(page, 'console-sign-in');
  await page.fill('#username', username);
  await page.fill('#password', 'wrong password entirely');
  await page.click('button[type=submit]');
  if (!(await page.textContent('#sign-in-message')).includes('Wrong user name or password')) fail('wrong password not refused');
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.waitForURL(`${base}/admin/`);
  if (!(await page.textContent('h1')).includes('Dashboard')) fail('no dashboard after sign-in');
  await audit(page, 'console-dashboard');
  await page.click('text=Audit log');
  if (!(await page.textContent('main')).includes('The hash chain verifies')) fail('audit chain not shown as verified');
  await audit(page, 'console-audit');
  await page.click('text=Users and tokens');
  await page.fill('#token-name', 'e2e');
  await page.click('text=Create a token');
  if (!(await page.textContent('#new-token')).startsWith('dsb_')) fail('new token not shown once');
  await audit(page, 'console-users');
  await page.click('nav >> text=Claimants');
  if (!(await page.textContent('h1')).includes('Claimants')) fail('no claimants screen');
  await audit(page, 'console-claims');
  await page.click('nav >> text=Batches');
  if (!(await page.textContent('h1')).includes('Batches')) fail('no batches screen');
  await audit(page, 'console-batches');
  // The screens work at phone width: nothing may force a horizontal scroll of the page.
  await page.setViewportSize({ width: 375, height: 800 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 0) fail(`batches screen overflows a phone by ${overflow}px`);
  await audit(page, 'console-batches-phone');
  await page.setViewportSize({ width: 1280, height: 900 });
  // An administrator creates a second program from the dashboard's form.
  await page.click('nav >> text=Dashboard');
  await page.click('#new-program');
  await audit(page, 'console-program-new');
  await page.fill('#program-name', 'Second fund (e2e)');
  await page.fill('#program-fund', '250000.00');
  await page.click('text=Create the program');
  await page.waitForURL(/\/admin\/programs\/\d+\/settings$/);
  if (!(await page.textContent('main')).includes('Second fund (e2e)')) fail('the new program is not shown');
  await audit(page, 'console-program-created');
  await page.click('text=Sign out');
  await page.waitForURL(`${base}/admin/login`);
  await page.goto(`${base}/admin/`);
  if (!page.url().endsWith('/admin/login')) fail('session still valid after sign-out');
} catch (error) {
  fail(String(error));
} finally {
  await browser.close();
}
process.exit(failures === 0 ? 0 : 1);
