// SPDX-License-Identifier: MIT
// tls_ws_peer.js - WebSocket over TLS (wss) server and client for
// testdata/make_tls_captures.sh.  Needs the npm package "ws" (8.x) on
// NODE_PATH (the script installs it into a temporary directory).
//
//   node tls_ws_peer.js server --host H --port P --cert F --key F --log FILE
//   node --tls-keylog=KEYS tls_ws_peer.js client --url wss://NAME:P/chat
//        --connect-to ADDR --local-address A --local-port P --capture NAME
//
// The client runs a fixed, strictly sequential exchange (each step waits for
// the server's answer), so the order of the manifest rows it prints is the
// order of the messages on the wire.  Rows: capture, client port, method
// (GET for the upgrade, WS for messages), target (/chat, or client>server /
// server>client), status (101, or the opcode), -, sha256 of the payload
// (unmasked, fragments joined; for close: code + reason), note, TLS version,
// cipher suite (IANA), SNI, ALPN.  The server logs the messages it saw
// (direction, opcode, hash) so the script can check both sides agree.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const https = require('https');
const WebSocket = require('ws');

const args = process.argv.slice(2);
const mode = args.shift();
const opt = {};
for (let i = 0; i < args.length; i += 2) opt[args[i].replace(/^--/, '')] = args[i + 1];

const sha = (b) => (b.length ? crypto.createHash('sha256').update(b).digest('hex') : '-');

function detBin(tag, size) {
  const parts = [];
  let n = 0;
  for (let i = 0; n < size; i++) {
    const h = crypto.createHash('sha256').update(`${tag}/${i}`).digest();
    parts.push(h);
    n += h.length;
  }
  return Buffer.concat(parts).subarray(0, size);
}

function closePayload(code, reason) {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(code);
  return Buffer.concat([b, Buffer.from(reason)]);
}

if (mode === 'server') {
  const log = (dir, opcode, data) =>
    fs.appendFileSync(opt.log, `${dir}\t${opcode}\t${sha(data)}\n`);
  const server = https.createServer({ cert: fs.readFileSync(opt.cert), key: fs.readFileSync(opt.key) });
  const wss = new WebSocket.WebSocketServer({ server, path: '/chat', perMessageDeflate: false });
  wss.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => {
      log('client>server', isBinary ? 2 : 1, data);
      if (isBinary) {
        const d = crypto.createHash('sha256').update(data).digest();
        ws.send(d, { binary: true });
        log('server>client', 2, d);
        return;
      }
      const text = data.toString();
      if (text === 'fragment please') {
        const a = detBin('pcapsift-wss-srvfrag-a', 100);
        const b = detBin('pcapsift-wss-srvfrag-b', 60);
        ws.send(a, { binary: true, fin: false });
        ws.send(b, { binary: true, fin: true });
        log('server>client', 2, Buffer.concat([a, b]));
      } else if (text === 'ping me') {
        const p = Buffer.from('server-ping');
        ws.ping(p);
        log('server>client', 9, p);
      } else {
        const out = Buffer.from(`echo over wss: ${text}`);
        ws.send(out); // a Buffer: ws sends it as a binary message
        log('server>client', 2, out);
      }
    });
    ws.on('pong', (data) => {
      log('client>server', 10, data);
      const out = Buffer.from('after the ping');
      ws.send(out); // a Buffer: binary
      log('server>client', 2, out);
    });
    ws.on('ping', (data) => {
      log('client>server', 9, data);
      log('server>client', 10, data);
    });
    ws.on('close', (code, reason) => {
      const p = closePayload(code, reason.toString());
      log('client>server', 8, p);
      log('server>client', 8, p);
    });
  });
  server.listen(Number(opt.port), opt.host, () => console.log('ready'));
} else if (mode === 'client') {
  const url = new URL(opt.url);
  const rows = [];
  let tls = ['-', '-', url.hostname, '-'];
  const add = (method, target, status, payload, note) =>
    rows.push([opt.capture, opt['local-port'], method, target, status, '-', sha(payload), note, ...tls]);
  const agent = new https.Agent({ keepAlive: false });
  const ws = new WebSocket(opt.url, {
    agent, perMessageDeflate: false, rejectUnauthorized: false,
    localAddress: opt['local-address'], localPort: Number(opt['local-port']),
    lookup: (host, o, cb) => {
      const fam = opt['connect-to'].includes(':') ? 6 : 4;
      if (o && o.all) cb(null, [{ address: opt['connect-to'], family: fam }]);
      else cb(null, opt['connect-to'], fam);
    },
  });
  const queue = [];
  let waiter = null;
  const next = () => new Promise((resolve) => {
    if (queue.length) resolve(queue.shift());
    else waiter = resolve;
  });
  const push = (ev) => {
    if (waiter) { const w = waiter; waiter = null; w(ev); } else queue.push(ev);
  };
  ws.on('upgrade', (res) => {
    const s = res.socket;
    tls = [s.getProtocol().replace(/^TLSv/, 'TLSv'), s.getCipher().standardName, url.hostname,
      s.alpnProtocol || '-'];
    add('GET', '/chat', 101, Buffer.alloc(0), 'Upgrade: websocket; no extension; node ws client');
  });
  ws.on('message', (data, isBinary) => push({ kind: 'message', data, isBinary }));
  ws.on('ping', (data) => push({ kind: 'ping', data }));
  ws.on('pong', (data) => push({ kind: 'pong', data }));
  ws.on('close', (code, reason) => push({ kind: 'close', code, reason: reason.toString() }));
  ws.on('error', (e) => { console.error(`wss client: ${e.message}`); process.exit(1); });
  const expect = async (kind) => {
    const ev = await next();
    if (ev.kind !== kind) throw new Error(`expected ${kind}, got ${ev.kind}`);
    return ev;
  };
  ws.on('open', async () => {
    try {
      let ev;
      const t1 = Buffer.from('hello over wss from pcapsift');
      ws.send(t1, { binary: false });
      add('WS', 'client>server', 1, t1, `payload ${t1.length} B`);
      ev = await expect('message');
      add('WS', 'server>client', 1, ev.data, `payload ${ev.data.length} B`);

      const b1 = detBin('pcapsift-wss-bin300', 300);
      ws.send(b1, { binary: true });
      add('WS', 'client>server', 2, b1, 'payload 300 B; 16-bit length');
      ev = await expect('message');
      add('WS', 'server>client', 2, ev.data, `payload ${ev.data.length} B; sha256 of the previous message`);

      const parts = ['a text message ', 'sent in three ', 'fragments over wss'];
      ws.send(parts[0], { fin: false });
      ws.send(parts[1], { fin: false });
      ws.send(parts[2], { fin: true });
      const whole = Buffer.from(parts.join(''));
      add('WS', 'client>server', 1, whole, `payload ${whole.length} B; 3 frames: text + 2 continuation`);
      ev = await expect('message');
      add('WS', 'server>client', 1, ev.data, `payload ${ev.data.length} B`);

      const fp = Buffer.from('fragment please');
      ws.send(fp, { binary: false });
      add('WS', 'client>server', 1, fp, `payload ${fp.length} B`);
      ev = await expect('message');
      add('WS', 'server>client', 2, ev.data, `payload ${ev.data.length} B; 2 frames: binary + continuation`);

      const cp = Buffer.from('client-ping');
      ws.ping(cp);
      add('WS', 'client>server', 9, cp, `payload ${cp.length} B`);
      ev = await expect('pong');
      add('WS', 'server>client', 10, ev.data, `payload ${ev.data.length} B; automatic reply`);

      const pm = Buffer.from('ping me');
      ws.send(pm, { binary: false });
      add('WS', 'client>server', 1, pm, `payload ${pm.length} B`);
      ev = await expect('ping');
      add('WS', 'server>client', 9, ev.data, `payload ${ev.data.length} B`);
      add('WS', 'client>server', 10, ev.data, `payload ${ev.data.length} B; automatic reply`);
      ev = await expect('message');
      add('WS', 'server>client', 1, ev.data, `payload ${ev.data.length} B`);

      const big = detBin('pcapsift-wss-big', 20000);
      ws.send(big, { binary: true });
      add('WS', 'client>server', 2, big, 'payload 20000 B; 16-bit length, several TLS records');
      ev = await expect('message');
      add('WS', 'server>client', 2, ev.data, `payload ${ev.data.length} B; sha256 of the previous message`);

      ws.close(1000, 'bye');
      const cl = closePayload(1000, 'bye');
      add('WS', 'client>server', 8, cl, 'payload 5 B; status 1000');
      ev = await expect('close');
      const back = closePayload(ev.code, ev.reason);
      add('WS', 'server>client', 8, back, `payload ${back.length} B; status ${ev.code} echoed`);
      for (const r of rows) console.log(r.join('\t'));
      setTimeout(() => process.exit(0), 200);
    } catch (e) {
      console.error(`wss client: ${e.stack}`);
      process.exit(1);
    }
  });
} else {
  console.error('usage: tls_ws_peer.js server|client ...');
  process.exit(2);
}
