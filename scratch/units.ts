import { createRequire } from 'node:module';
const math = createRequire(import.meta.url)('mathjs/lib/browser/math.js');
for (const e of ['3 days', '400 Gb/s', '2 MB', '2 MiB', '1.5 TiB', '30 min', '60 s', '1 month', '500 KB', '25 GB/s', '5 h', '1 week', '900 GB/s', '3 day']) {
  try { const u = math.unit(e); console.log(e, u.toString(), u.toSI().toString(), u.equalBase(math.unit('1 s')), u.equalBase(math.unit('1 B')), u.equalBase(math.unit('1 B/s'))); } catch (err) { console.log(e, 'ERR', err.message); }
}
try { console.log(math.evaluate('400 Gb/s to GB/s').toString()); } catch (e) { console.log(e.message); }
console.log(typeof math.createUnit);
