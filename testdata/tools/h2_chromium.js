// SPDX-License-Identifier: MIT
// h2_chromium.js - loads a page in headless Chromium (Debian's /usr/bin/chromium)
// through Playwright, for testdata/make_h2_captures.sh.  Needs the npm package
// "playwright-core" on NODE_PATH (the script installs it into a temporary
// directory) and SSLKEYLOGFILE in the environment (Chromium writes its key
// log there).
//
//   node h2_chromium.js --url URL --har FILE --page-log FILE --netlog FILE
//        --resolve 'MAP name addr' --wait-text TEXT
//
// Chromium records its own HAR (content embedded) and a NetLog; the page's
// own view of every request it made (method, URL, status, the request body
// and the decoded response body, as Playwright's request/response events
// give them) goes to --page-log as JSON lines: method, url, status,
// req_bytes, req_content_type, req_sha256, resp_bytes, resp_sha256 ("-" for
// an empty body).
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const { chromium } = require('playwright-core');

const args = process.argv.slice(2);
const opt = {};
for (let i = 0; i < args.length; i += 2) opt[args[i].replace(/^--/, '')] = args[i + 1];

const sha = (b) => (b && b.length ? crypto.createHash('sha256').update(b).digest('hex') : '-');

(async () => {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    chromiumSandbox: false,
    env: process.env,
    args: [
      `--host-resolver-rules=${opt.resolve}`,
      '--disable-quic',
      '--ignore-certificate-errors',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
      '--disable-default-apps',
      '--no-default-browser-check',
      `--log-net-log=${opt.netlog}`,
      '--net-log-capture-mode=Everything',
    ],
  });
  const ctx = await browser.newContext({
    recordHar: { path: opt.har, content: 'embed' },
    ignoreHTTPSErrors: true,
  });
  const page = await ctx.newPage();
  const pending = [];
  const lines = [];
  page.on('response', (resp) => {
    pending.push((async () => {
      const req = resp.request();
      const post = req.postDataBuffer();
      let body = null;
      try {
        body = await resp.body();
      } catch (e) {
        body = null;
      }
      lines.push({
        method: req.method(),
        url: req.url(),
        status: resp.status(),
        req_bytes: post ? post.length : 0,
        req_content_type: (await req.allHeaders())['content-type'] || '-',
        req_sha256: sha(post),
        resp_bytes: body ? body.length : 0,
        resp_sha256: sha(body),
      });
    })());
  });
  await page.goto(opt.url, { waitUntil: 'load' });
  await page.waitForFunction((t) => document.getElementById('out').textContent.startsWith(t),
    opt['wait-text'], { timeout: 15000 });
  await page.waitForTimeout(1500);      // the favicon, late responses
  await Promise.all(pending);
  fs.writeFileSync(opt['page-log'], lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  console.error(`[h2_chromium] ${lines.length} responses; page says: ` +
    await page.textContent('#out'));
  await ctx.close();    // writes the HAR
  await browser.close();
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
