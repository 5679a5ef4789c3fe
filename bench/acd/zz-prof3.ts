import { Redis } from 'ioredis';
import { LuaScript } from '../../src/adapters/redis/lua-script.js';
import { ACD_LUA_PRELUDE } from '../../src/adapters/acd/acd-lua-prelude.js';
import { AcdKeys } from '../../src/adapters/acd/acd-keys.js';
const r = new Redis(); const info = new Redis();
async function evalStats(): Promise<[number, number]> {
  const text = await info.info('commandstats');
  const m = /cmdstat_evalsha:calls=(\d+),usec=(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}
const keys = new AcdKeys('prof-x');
const kk = [...keys.fixedList, keys.day(Date.now())];
const args = [keys.base, Date.now(), 5000, 20000, 30000, 120000];
const p = ACD_LUA_PRELUDE;
const trIdx = p.indexOf('local TRANSITIONS');
const fnIdx = p.indexOf('local function fmt');
const header = p.slice(0, trIdx);
const trans = p.slice(trIdx, fnIdx);
const fns = p.slice(fnIdx);
const manyClosures = Array.from({ length: 55 }, (_, i) => `local function f${i}(x) return x + ${i} end`).join('\n');
const scripts: [string, LuaScript][] = [
  ['trivial', new LuaScript('return 1')],
  ['header', new LuaScript(header + '\nreturn 1')],
  ['header+trans', new LuaScript(header + trans + '\nreturn 1')],
  ['header+fns(no trans)', new LuaScript(header + 'local TRANSITIONS = {}\n' + fns + '\nreturn 1')],
  ['55 trivial closures', new LuaScript(manyClosures + '\nreturn 1')],
  ['full', new LuaScript(p + '\nreturn 1')],
];
for (const [name, s] of scripts) {
  await s.run(r, kk, args);
  const [c0, u0] = await evalStats();
  for (let i = 0; i < 3000; i++) await s.run(r, kk, args);
  const [c1, u1] = await evalStats();
  console.log(name.padEnd(24), ((u1 - u0) / (c1 - c0)).toFixed(1), 'usec');
}
r.disconnect(); info.disconnect();
