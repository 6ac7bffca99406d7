// SPDX-License-Identifier: MIT
// Validates HAR files with the har-validator npm package (HAR 1.2 JSON
// schema). usage: node har_validate.js FILE...  (exit 1 on any error)
'use strict';
const fs = require('fs');
const validator = require('har-validator');

async function main(files) {
  let bad = 0;
  for (const f of files) {
    try {
      await validator.har(JSON.parse(fs.readFileSync(f, 'utf8')));
      console.log(`ok ${f}`);
    } catch (e) {
      bad++;
      const errs = e.errors ? JSON.stringify(e.errors.slice(0, 5)) : e.message;
      console.log(`FAIL ${f}: ${errs}`);
    }
  }
  process.exit(bad ? 1 : 0);
}
main(process.argv.slice(2));
