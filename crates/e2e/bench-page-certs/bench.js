// The certificate benchmark in the browser: the app's certificate worker
// (its wasm and JSON protocol, as the Certificates page drives it) against
// node-forge (pure JavaScript, RSA only: it has no ECDSA) and WebCrypto, in
// this one page, timed with performance.now().
// crates/e2e/benches/pki_browser.rs calls window.certsBench(counts) and
// prints the table. Every peer is checked before it is timed, so a broken
// one cannot produce a fast number; a failed check rejects the promise.
'use strict';

// The app's certificate worker: run(job) resolves with the job's result.
function startWorker() {
  const w = new Worker('pki_worker_loader.js');
  let next = 1;
  const waiting = new Map();
  let failed = null;
  const ready = new Promise((resolve, reject) => {
    w.onerror = e => reject(new Error('worker: ' + e.message));
    w.onmessage = e => {
      const m = JSON.parse(Array.isArray(e.data) ? e.data[0] : e.data);
      if (m === 'ready') return resolve();
      if (m.progress) return;
      const id = (m.done || m.failed).id;
      const settle = waiting.get(id);
      waiting.delete(id);
      settle(m);
    };
  });
  const run = job => new Promise(resolve => {
    const id = next++;
    waiting.set(id, resolve);
    w.postMessage(JSON.stringify({ id, job }));
  }).then(m => {
    if (m.failed) throw new Error(JSON.stringify(m.failed.errors));
    return m.done.result;
  });
  return { ready, run, terminate: () => w.terminate() };
}

// Ours: the Certificates page's three steps, P-256.
async function ourChain(run) {
  const made = await run({ create_ca: { key_type: 'p256', subject: { cn: 'Bench CA' }, days: 1024 } });
  const ca = { cert_pem: made.ca.ca.cert_pem, key_pem: made.ca.ca.key_pem };
  await run({ verification: { ca, code: '0123456789abcdef', days: 500 } });
  await run({ device: { ca, common_name: 'node-1', key_type: 'p256', days: 500 } });
  return ca;
}

// node-forge: a certificate for `publicKey`, signed with `signKey`
// (SHA-256), with a random positive 16-byte serial.
function forgeCert(publicKey, subject, issuer, extensions, signKey, days) {
  const pki = forge.pki;
  const cert = pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = '01' + forge.util.bytesToHex(forge.random.getBytesSync(15));
  cert.validity.notBefore = new Date(Date.now() - 5 * 60 * 1000);
  cert.validity.notAfter = new Date(Date.now() + days * 86400 * 1000);
  cert.setSubject(subject);
  cert.setIssuer(issuer);
  cert.setExtensions(extensions);
  cert.sign(signKey, forge.md.sha256.create());
  return cert;
}

// node-forge: an RSA-2048 CA, self-signed, basicConstraints CA, as PEM.
function forgeCa() {
  const pki = forge.pki;
  const keys = pki.rsa.generateKeyPair({ bits: 2048 });
  const name = [{ name: 'commonName', value: 'Bench CA' }];
  const cert = forgeCert(keys.publicKey, name, name, [
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ], keys.privateKey, 1024);
  return { cert, key: keys.privateKey, certPem: pki.certificateToPem(cert), keyPem: pki.privateKeyToPem(keys.privateKey) };
}

// node-forge: what `openssl genpkey` + `req -new` + `x509 -req` do: an
// RSA-2048 key, a CSR with CN = cn, and the certificate the CA signs for
// it, as PEM.
function forgeIssue(ca, cn, days) {
  const pki = forge.pki;
  const keys = pki.rsa.generateKeyPair({ bits: 2048 });
  const csr = pki.createCertificationRequest();
  csr.publicKey = keys.publicKey;
  csr.setSubject([{ name: 'commonName', value: cn }]);
  csr.sign(keys.privateKey, forge.md.sha256.create());
  const csrPem = pki.certificationRequestToPem(csr);
  const cert = forgeCert(csr.publicKey, csr.subject.attributes, ca.cert.subject.attributes, [
    { name: 'basicConstraints', cA: false },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.cert.generateSubjectKeyIdentifier().getBytes() },
  ], ca.key, days);
  return { keyPem: pki.privateKeyToPem(keys.privateKey), csrPem, certPem: pki.certificateToPem(cert) };
}

// node-forge: the same chain as ourChain, with RSA-2048 keys.
function forgeChain() {
  const ca = forgeCa();
  return { ca, verification: forgeIssue(ca, '0123456789abcdef', 500), device: forgeIssue(ca, 'node-1', 500) };
}

function check(ok, what) {
  if (!ok) throw new Error('sanity check failed: ' + what);
}

// Reads node-forge's chain back from its PEM and checks it with node-forge.
function checkForgeChain(chain) {
  const pki = forge.pki;
  const ca = pki.certificateFromPem(chain.ca.certPem);
  check(ca.verify(ca), 'node-forge CA is self-signed');
  check(ca.getExtension('basicConstraints').cA === true, 'node-forge CA has basicConstraints CA');
  check(ca.publicKey.n.bitLength() === 2048, 'node-forge CA key is RSA-2048');
  for (const [issued, cn] of [[chain.verification, '0123456789abcdef'], [chain.device, 'node-1']]) {
    const cert = pki.certificateFromPem(issued.certPem);
    check(ca.verify(cert), `node-forge ${cn} certificate verifies against its CA`);
    check(cert.subject.getField('CN').value === cn, `node-forge ${cn} certificate has CN=${cn}`);
    check(pki.certificationRequestFromPem(issued.csrPem).verify(), `node-forge ${cn} CSR verifies`);
    const key = pki.privateKeyFromPem(issued.keyPem);
    check(key.n.equals(cert.publicKey.n), `node-forge ${cn} key matches its certificate`);
  }
}

const RSA = { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
const P256 = { name: 'ECDSA', namedCurve: 'P-256' };
const generate = alg => crypto.subtle.generateKey(alg, true, ['sign', 'verify']);

// WebCrypto: a key pair of `alg` that signs and verifies.
async function checkWebCrypto(alg, signAlg, what) {
  const keys = await generate(alg);
  check(keys.privateKey && keys.publicKey, `WebCrypto ${what} returned a key pair`);
  const data = new TextEncoder().encode('bench');
  const sig = await crypto.subtle.sign(signAlg, keys.privateKey, data);
  check(await crypto.subtle.verify(signAlg, keys.publicKey, sig, data), `WebCrypto ${what} signature verifies`);
  return keys;
}

const timed = async f => {
  const start = performance.now();
  const result = await f();
  return [performance.now() - start, result];
};

// WebCrypto makes a P-256 key in well under performance.now()'s 0.1 ms
// resolution: the time of `n` runs of f one after another, over n.
const timedEach = async (n, f) => {
  const start = performance.now();
  for (let i = 0; i < n; i++) await f();
  return (performance.now() - start) / n;
};

// counts: { chains, forgeChains, keys, batch, forgeBatch }. Resolves with
// arrays of milliseconds.
window.certsBench = async counts => {
  check(typeof forge === 'object' && forge.pki, 'forge.min.js loaded');
  const out = { user_agent: navigator.userAgent };
  const started = performance.now();
  const worker = startWorker();
  await worker.ready;
  out.worker_start = performance.now() - started;
  const run = worker.run;
  try {
    // Untimed first runs: every peer checked, and everything warmed up.
    const ca = await ourChain(run);
    check(ca.cert_pem.startsWith('-----BEGIN CERTIFICATE-----'), 'our CA is a PEM certificate');
    const ourRsa = await run({ create_ca: { key_type: 'rsa2048', subject: { cn: 'RSA' }, days: 30 } });
    // Our RSA CA read by node-forge: a 2048-bit key that verifies itself.
    const ourRsaCa = forge.pki.certificateFromPem(ourRsa.ca.ca.cert_pem);
    check(ourRsaCa.publicKey.n.bitLength() === 2048 && ourRsaCa.verify(ourRsaCa), 'node-forge reads our RSA-2048 CA');
    checkForgeChain(forgeChain());
    const rsaKeys = await checkWebCrypto(RSA, RSA.name, 'RSASSA-PKCS1-v1_5 2048');
    check(rsaKeys.publicKey.algorithm.modulusLength === 2048, 'WebCrypto RSA key is 2048 bits');
    await checkWebCrypto(P256, { name: 'ECDSA', hash: 'SHA-256' }, 'ECDSA P-256');

    // The chain: ours, node-forge's (fewer runs: seconds each) and
    // WebCrypto generating the chain's three P-256 keys (the mean of 10 in
    // a row, for the timer's resolution), alternating so that all see the
    // same load.
    out.chain = []; out.forge_chain = []; out.webcrypto_chain_keys = [];
    for (let i = 0; i < counts.chains; i++) {
      out.chain.push((await timed(() => ourChain(run)))[0]);
      if (i < counts.forgeChains) out.forge_chain.push((await timed(async () => forgeChain()))[0]);
      out.webcrypto_chain_keys.push(await timedEach(10, () => Promise.all([generate(P256), generate(P256), generate(P256)])));
    }

    // One P-256 key: ours as the page makes one (a CA job: key,
    // self-signed certificate, the worker's round trip) and WebCrypto's
    // (the mean of 20 in a row, for the timer's resolution).
    out.p256 = []; out.webcrypto_p256 = [];
    for (let i = 0; i < counts.keys; i++) {
      out.p256.push((await timed(() => run({ create_ca: { key_type: 'p256', subject: { cn: 'P-256' }, days: 30 } })))[0]);
      out.webcrypto_p256.push(await timedEach(20, () => generate(P256)));
    }

    // RSA-2048 keys, the same way, and node-forge's (synchronous, on this
    // page's thread).
    out.rsa = []; out.forge_rsa = []; out.webcrypto_rsa = [];
    for (let i = 0; i < counts.keys; i++) {
      out.rsa.push((await timed(() => run({ create_ca: { key_type: 'rsa2048', subject: { cn: 'RSA' }, days: 30 } })))[0]);
      out.forge_rsa.push((await timed(async () => forge.pki.rsa.generateKeyPair({ bits: 2048 })))[0]);
      out.webcrypto_rsa.push((await timed(() => generate(RSA)))[0]);
    }

    // The batch: ours with its zip; node-forge's a few RSA-2048 devices
    // (key, CSR, certificate each) from its CA.
    const ids = Array.from({ length: counts.batch }, (_, i) => 'node-' + i).join('\n');
    const [ms, result] = await timed(() => run({ batch: { ca, node_ids: ids, key_type: 'p256', days: 500 } }));
    check(result.batch.count === counts.batch, `our batch made ${counts.batch} devices`);
    out.batch = ms;
    out.batch_count = result.batch.count;
    const forgeCaForBatch = forgeCa();
    const [forgeMs, devices] = await timed(async () =>
      Array.from({ length: counts.forgeBatch }, (_, i) => forgeIssue(forgeCaForBatch, 'node-' + i, 500)));
    check(devices.length === counts.forgeBatch, 'node-forge batch complete');
    check(forgeCaForBatch.cert.verify(forge.pki.certificateFromPem(devices[devices.length - 1].certPem)), 'node-forge batch device verifies');
    out.forge_batch = forgeMs;
    out.forge_batch_count = devices.length;
  } finally {
    worker.terminate();
  }
  return out;
};
