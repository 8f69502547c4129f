// Draws the extension's icon (a padlock) into a PNG at build time, so that no binary is committed.
// Each pixel is shaded from signed distances to a few shapes, with one pixel of anti-aliasing.
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const BG = [30, 41, 59], LOCK = [245, 158, 11], HOLE = [30, 41, 59];

const roundedBox = (x, y, cx, cy, hw, hh, r) => {
  const dx = Math.abs(x - cx) - hw + r, dy = Math.abs(y - cy) - hh + r;
  return Math.hypot(Math.max(dx, 0), Math.max(dy, 0)) + Math.min(Math.max(dx, dy), 0) - r;
};
const coverage = (d) => Math.max(0, Math.min(1, 0.5 - d));
const mix = (a, b, t) => a.map((v, i) => Math.round(v * (1 - t) + b[i] * t));

function pixel(x, y) {
  const bg = coverage(roundedBox(x, y, 64, 64, 62, 62, 24));
  // The shackle: a ring (upper half) and two legs.
  const ring = Math.abs(Math.hypot(x - 64, y - 52) - 22) - 7;
  const shackle = y < 52 ? ring : Math.min(Math.abs(x - 42) - 7, Math.abs(x - 86) - 7) + (y > 70 ? 100 : 0);
  const body = roundedBox(x, y, 64, 84, 36, 26, 8);
  const hole = Math.min(Math.hypot(x - 64, y - 80) - 7, roundedBox(x, y, 64, 92, 3.5, 9, 2));
  let c = BG;
  c = mix(c, LOCK, coverage(Math.min(shackle, body)));
  c = mix(c, HOLE, coverage(Math.max(hole, body)));
  return [...c, Math.round(255 * bg)];
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

export function iconPng() {
  const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
  for (let y = 0; y < SIZE; y++) {
    raw[y * (SIZE * 4 + 1)] = 0; // filter: none
    for (let x = 0; x < SIZE; x++) raw.set(pixel(x + 0.5, y + 0.5), y * (SIZE * 4 + 1) + 1 + x * 4);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(SIZE, 0); ihdr.writeUInt32BE(SIZE, 4);
  ihdr[8] = 8; ihdr[9] = 6; // 8-bit RGBA
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
