// Drives the LlamaDb search page in headless Debian chromium with playwright-core.
//   node search-page.mjs <server base url> <collection> <screenshot path>
// Env: LLAMADB_BROWSER_TOOLS = folder whose node_modules holds playwright-core (scripts/install-browser.sh).
// Prints one JSON line with what the page showed; exits non-zero on any failure. Every wait is on a selector with a timeout.
import { createRequire } from 'node:module';
import path from 'node:path';

const [baseUrl, collection, screenshot] = process.argv.slice(2);
if (!baseUrl || !collection || !screenshot) {
  console.error('usage: node search-page.mjs <base url> <collection> <screenshot path>');
  process.exit(2);
}
const tools = process.env.LLAMADB_BROWSER_TOOLS;
const require = createRequire(path.join(tools, 'package.json'));
const { chromium } = require('playwright-core');

const browser = await chromium.launch({
  executablePath: process.env.LLAMADB_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  timeout: 60_000,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(30_000);
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  // No external resources: any request to another origin fails the run.
  const foreign = [];
  page.on('request', (r) => { if (!r.url().startsWith(baseUrl)) foreign.push(r.url()); });

  await page.goto(baseUrl + '/');
  await page.waitForSelector(`#collection option[value="${collection}"]`, { state: 'attached' });
  await page.selectOption('#collection', collection);

  async function search(query, mode) {
    await page.fill('#query', query);
    await page.check(`input[name=mode][value=${mode}]`);
    await page.click('#search-button');
    await page.waitForFunction((m) => document.getElementById('search-status').textContent.includes(m + (',')) || document.getElementById('search-status').className === 'error', mode);
    return page.$$eval('#results li.result', (items) => items.map((li) => ({
      rank: Number(li.dataset.rank),
      score: Number(li.querySelector('.score').textContent),
      source: li.querySelector('.source').textContent,
      marks: [...li.querySelectorAll('mark')].map((m) => m.textContent.toLowerCase()),
    })));
  }

  const keyword = await search('write ahead log', 'keyword');
  const hybrid = await search('durable writes log', 'hybrid');

  await page.fill('#question', 'How are writes made durable?');
  await page.click('#ask-button');
  await page.waitForSelector('body[data-ask-done="true"]');
  const answer = await page.textContent('#answer');
  const citations = await page.$$eval('#citations li.citation', (items) => items.map((li) => li.textContent));
  await page.screenshot({ path: screenshot, fullPage: true });

  console.log(JSON.stringify({ keyword, hybrid, answer, citations, consoleErrors, foreign }));
} finally {
  await browser.close();
}
