// What the bench page takes from npm, bundled by esbuild into mqtt-packet.js
// (scripts/lib.sh build_codec_bench): mqtt-packet, and the Buffer of the npm
// `buffer` package it runs on in a browser.
export { Buffer } from 'buffer';
export { default as mqtt } from 'mqtt-packet';
