// The MQTT codec benchmark in the browser: times iotda-core's codec (wasm)
// and the npm mqtt-packet library on the same packets, on this page's
// thread, with performance.now(). crates/e2e/benches/codec_browser.rs calls
// window.codecBench(budgetMs) and prints the table.
import init, { cases } from './iotda_bench_wasm.js';
import { Buffer, mqtt } from './mqtt-packet.js';

// Packets per second of run(n), which handles n packets of `size` bytes and
// returns the bytes it handled: n doubles until one call takes a tenth of
// budgetMs (which also warms up the JIT), then five calls of about
// budgetMs / 5 each; the median. The same as `rate` in
// crates/core/benches/codec/workload.rs.
function rate(budgetMs, size, run) {
  const timed = n => {
    const start = performance.now();
    const handled = run(n);
    const took = performance.now() - start;
    if (handled !== n * size) throw new Error(`handled ${handled} bytes, not ${n} packets of ${size}`);
    return took;
  };
  let n = 1;
  let took = timed(n);
  while (took < budgetMs / 10 && n < 2 ** 30) {
    n *= 2;
    took = timed(n);
  }
  n = Math.max(1, Math.ceil((n * budgetMs) / 5 / Math.max(took, 1e-3)));
  const rates = [0, 1, 2, 3, 4].map(() => n / (timed(n) / 1000));
  rates.sort((a, b) => a - b);
  return rates[2];
}

// Runs f n times and adds up the byte counts it returns.
function repeat(n, f) {
  let total = 0;
  for (let i = 0; i < n; i++) total += f();
  return total;
}

// mqtt-packet's form of a case's PUBLISH.
function mqttPacket(c) {
  const packet = { cmd: 'publish', topic: c.topic, payload: Buffer.from(c.payload), qos: c.qos, dup: false, retain: false };
  if (c.qos > 0) packet.messageId = c.message_id;
  return packet;
}

// Every packet mqtt-packet's parser finds in `bytes`.
function mqttParse(bytes, opts) {
  const parser = mqtt.parser(opts);
  const found = [];
  parser.on('packet', p => found.push(p));
  parser.on('error', e => {
    throw e;
  });
  parser.parse(bytes);
  return found;
}

// Before any timing: mqtt-packet reads our bytes as the same PUBLISH, and our
// decoder reads mqtt-packet's bytes as the same PUBLISH. Returns whether the
// two libraries' bytes are identical.
function check(c) {
  const opts = { protocolVersion: c.level };
  const what = `${c.workload}, ${c.version}`;
  const ours = Buffer.from(c.bytes);
  const parsed = mqttParse(ours, opts);
  const p = parsed[0];
  const same =
    parsed.length === 1 &&
    p.cmd === 'publish' &&
    p.topic === c.topic &&
    Buffer.compare(p.payload, Buffer.from(c.payload)) === 0 &&
    p.qos === c.qos &&
    (c.qos === 0 || p.messageId === c.message_id) &&
    !p.retain &&
    !p.dup;
  if (!same) throw new Error(`${what}: mqtt-packet reads our bytes as ${JSON.stringify(parsed)}`);
  const theirs = mqtt.generate(mqttPacket(c), opts);
  try {
    c.check_decodes(theirs);
  } catch (e) {
    throw new Error(`${what}: our decoder on mqtt-packet's bytes: ${e.message}`);
  }
  return Buffer.compare(theirs, ours) === 0;
}

// Every rate of one case. "ours" loops inside the wasm; "ours_per_call"
// crosses from JavaScript for every packet, copying the bytes across, as the
// app does per WebSocket message; mqtt-packet is called once per packet.
function measure(c, budgetMs) {
  const opts = { protocolVersion: c.level };
  const packet = mqttPacket(c);
  const bytes = c.bytes;
  const size = bytes.length;
  const buffer = Buffer.from(bytes);
  // One parser for the whole run, as for one connection; it calls back once
  // per packet.
  let parsed = 0;
  const parser = mqtt.parser(opts);
  parser.on('packet', () => {
    parsed += size;
  });
  const parseAll = n => {
    parsed = 0;
    for (let i = 0; i < n; i++) parser.parse(buffer);
    return parsed;
  };
  const encode = {
    ours: rate(budgetMs, size, n => c.encode_runs(n)),
    ours_per_call: rate(budgetMs, size, n => repeat(n, () => c.encode_once().length)),
    mqtt_packet: rate(budgetMs, size, n => repeat(n, () => mqtt.generate(packet, opts).length)),
  };
  const decode = {
    ours: rate(budgetMs, size, n => c.decode_runs(n)),
    ours_per_call: rate(budgetMs, size, n => repeat(n, () => c.decode_once(bytes))),
    mqtt_packet: rate(budgetMs, size, parseAll),
  };
  return { workload: c.workload, version: c.version, bytes: size, encode, decode };
}

window.codecBench = async budgetMs => {
  await init();
  const all = cases();
  const identical = all.map(check);
  const rows = all.map(c => measure(c, budgetMs));
  rows.forEach((row, i) => {
    row.identical_bytes = identical[i];
  });
  return { user_agent: navigator.userAgent, rows };
};
