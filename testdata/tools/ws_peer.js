// SPDX-License-Identifier: MIT
// ws_peer.js - WebSocket server and client for testdata/make_http_captures.sh.
// Needs the npm package "ws" (8.x) on NODE_PATH; the script installs it into
// a temporary directory.
//
//   node ws_peer.js server --host H --port P [--deflate] --log FILE
//   node ws_peer.js client --url ws://H:P/chat --local-address A
//                          --local-port P [--deflate] --capture NAME
//
// The client runs a fixed, strictly sequential exchange (each step waits for
// the server's answer), so the order of messages on the wire is the order
// of the manifest rows it prints: text, 300-byte binary, a text message sent
// in 3 fragments, a binary message the server sends in 2 fragments, a ping
// from each side (answered by automatic pongs), a 70000-byte binary message
// (64-bit length), and a close with code 1000 echoed by the server.
// Rows: capture, client port, WS, client>server|server>client, opcode, -,
// sha256(payload, uncompressed), note.  The server logs the messages it saw
// (same fields) so the script can check both sides agree.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const WebSocket = require('ws');

const args = process.argv.slice(2);
const mode = args.shift();
const opt = {};
for (let i = 0; i < args.length; i++) {
  const k = args[i].replace(/^--/, '');
  if (k === 'deflate') opt.deflate = true;
  else opt[k] = args[++i];
}
const sha = (b) => (b.length ? crypto.createHash('sha256').update(b).digest('hex') : '-');
const deflateOpts = opt.deflate ? { threshold: 0 } : false;

function detBytes(tag, size) {
  const parts = [];
  let n = 0;
  for (let i = 0; n < size; i++) {
    const h = crypto.createHash('sha256').update(`${tag}-${i}`).digest();
    parts.push(h);
    n += h.length;
  }
  return Buffer.concat(parts).subarray(0, size);
}
function detText(tag, size) {
  // compressible: hex of the hashes, one line of 64 chars each
  const parts = [];
  let n = 0;
  for (let i = 0; n < size; i++) {
    const line = `${String(i).padStart(5, '0')} ${crypto.createHash('sha256').update(`${tag}-${i}`).digest('hex').slice(0, 16)} websocket payload line\n`;
    parts.push(line);
    n += line.length;
  }
  return Buffer.from(parts.join('').slice(0, size));
}

function closePayload(code, reason) {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(code);
  return Buffer.concat([b, Buffer.from(reason)]);
}

if (mode === 'server') {
  const log = (dir, opcode, data, note) =>
    fs.appendFileSync(opt.log, `${dir}\t${opcode}\t${sha(data)}\t${data.length}\t${note || ''}\n`);
  const wss = new WebSocket.WebSocketServer({
    host: opt.host, port: Number(opt.port), path: '/chat', perMessageDeflate: deflateOpts,
  });
  wss.on('listening', () => console.log('ready'));
  wss.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => {
      log('client>server', isBinary ? 2 : 1, data);
      const text = isBinary ? null : data.toString();
      let out;
      if (text === 'fragment please') {
        const a = detBytes('pcapsift-ws-srvfrag-a', 100);
        const b = detBytes('pcapsift-ws-srvfrag-b', 50);
        ws.send(a, { binary: true, fin: false });
        ws.send(b, { binary: true, fin: true });
        log('server>client', 2, Buffer.concat([a, b]), '2 frames');
        return;
      }
      if (text === 'ping me') {
        const p = Buffer.from('server-ping');
        ws.ping(p);
        log('server>client', 9, p);
        return;
      }
      if (isBinary) {
        out = crypto.createHash('sha256').update(data).digest();
        ws.send(out, { binary: true });
        log('server>client', 2, out);
      } else {
        out = Buffer.from(`echo: ${text.length > 60 ? `${text.length} characters` : text}`);
        ws.send(out.toString());
        log('server>client', 1, out);
      }
    });
    ws.on('ping', (d) => { log('client>server', 9, d); log('server>client', 10, d, 'auto'); });
    ws.on('pong', (d) => {
      log('client>server', 10, d);
      const out = Buffer.from('pong received');
      ws.send(out.toString());
      log('server>client', 1, out);
    });
    ws.on('close', (code, reason) => {
      log('client>server', 8, closePayload(code, reason));
      log('server>client', 8, closePayload(code, reason), 'echo');
    });
  });
} else if (mode === 'client') {
  const rows = [];
  let port = 0;
  const row = (dir, opcode, data, note) =>
    rows.push([opt.capture, port, 'WS', dir, opcode, '-', sha(data),
      `payload ${data.length} B${note ? `; ${note}` : ''}`].join('\t'));
  const ws = new WebSocket(opt.url, {
    perMessageDeflate: deflateOpts, localAddress: opt['local-address'], localPort: Number(opt['local-port']),
  });
  const queue = [];
  let waiter = null;
  const push = (ev) => { if (waiter) { const w = waiter; waiter = null; w(ev); } else queue.push(ev); };
  const next = () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((res) => { waiter = res; }));
  const cmp = opt.deflate ? 'compressed (permessage-deflate)' : '';
  const join = (...n) => n.filter((x) => x).join('; ');

  ws.on('upgrade', (res) => {
    port = res.socket.localPort;
    const ext = res.headers['sec-websocket-extensions'];
    rows.push([opt.capture, port, 'GET', new URL(opt.url).pathname, res.statusCode, '-', '-',
      `Upgrade: websocket${ext ? `; Sec-WebSocket-Extensions: ${ext}` : '; no extension'}`].join('\t'));
  });
  ws.on('message', (data, isBinary) => push({ kind: 'message', data, opcode: isBinary ? 2 : 1 }));
  ws.on('ping', (data) => push({ kind: 'ping', data }));
  ws.on('pong', (data) => push({ kind: 'pong', data }));
  ws.on('close', (code, reason) => push({ kind: 'close', data: closePayload(code, reason) }));
  ws.on('error', (e) => { console.error(e); process.exit(1); });

  const expect = async (kind, note) => {
    const ev = await next();
    if (ev.kind !== kind) throw new Error(`expected ${kind}, got ${ev.kind}`);
    const opcode = { message: ev.opcode, ping: 9, pong: 10, close: 8 }[kind];
    row('server>client', opcode, ev.data, join(opcode < 8 ? cmp : '', note));
    return ev;
  };
  const sendMsg = (data, binary, note) => {
    ws.send(data, { binary });
    row('client>server', binary ? 2 : 1, Buffer.from(data), join(cmp, note));
  };

  ws.on('open', async () => {
    try {
      sendMsg('Hello from the pcapsift WebSocket client!', false);
      await expect('message');
      sendMsg(detBytes('pcapsift-ws-bin300', 300), true, '16-bit length');
      await expect('message');
      const f = ['fragmented text, part one; ', 'part two; ', 'part three (fin).'];
      ws.send(f[0], { fin: false });
      ws.send(f[1], { fin: false });
      ws.send(f[2], { fin: true });
      row('client>server', 1, Buffer.from(f.join('')), join(cmp, '3 frames: text + 2 continuation'));
      await expect('message');
      sendMsg('fragment please', false);
      await expect('message', '2 frames: binary + continuation');
      const cp = Buffer.from('client-ping');
      ws.ping(cp);
      row('client>server', 9, cp);
      await expect('pong', 'automatic reply');
      sendMsg('ping me', false);
      const ping = await expect('ping');
      // ws answers a ping with a pong before it emits the 'ping' event.
      row('client>server', 10, ping.data, 'automatic reply');
      await expect('message');
      sendMsg(detText('pcapsift-ws-big', 70000), true, '64-bit length');
      await expect('message');
      ws.close(1000, 'bye');
      row('client>server', 8, closePayload(1000, 'bye'), 'status 1000');
      await expect('close', 'status 1000 echoed');
      console.log(rows.join('\n'));
    } catch (e) {
      console.error(e);
      process.exit(1);
    }
  });
} else {
  console.error('usage: ws_peer.js server|client ...');
  process.exit(2);
}
