import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { PACKAGE_ROOT } from '../src/core/package-info.js';

/**
 * `npx tsx bench/profile-summary.ts <file.cpuprofile> [top]`: self time per function and per
 * package/file of a V8 CPU profile (from `npm run bench -- --profile <dir>`, which starts the
 * emulator with `node --cpu-prof`). Used to explain the misses in BENCHMARKS.md.
 */
interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: tsx bench/profile-summary.ts <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);

function where(url: string): string {
  if (url === '') return '(native / V8)';
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = path.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (path.startsWith('node:')) return path;
  return relative(PACKAGE_ROOT, path);
}

const perFunction = new Map<string, number>();
const perPlace = new Map<string, number>();
for (const [id, t] of self) {
  const node = byId.get(id)!;
  const place = where(node.callFrame.url);
  const fn = `${node.callFrame.functionName || '(anonymous)'} ${place}${node.callFrame.url ? `:${node.callFrame.lineNumber + 1}` : ''}`;
  perFunction.set(fn, (perFunction.get(fn) ?? 0) + t);
  perPlace.set(place, (perPlace.get(place) ?? 0) + t);
}
// Inclusive: the share of busy samples (not idle, not GC) with a frame of that package / file anywhere on the stack.
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const onStack = new Map<string, number>();
let busy = 0;
profile.samples.forEach((id, i) => {
  const fn = byId.get(id)!.callFrame.functionName;
  if (fn === '(idle)' || fn === '(program)' || fn === '(garbage collector)') return;
  const t = profile.timeDeltas[i] ?? 0;
  busy += t;
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const url = byId.get(cur)!.callFrame.url;
    if (url) seen.add(where(url));
  }
  for (const place of seen) onStack.set(place, (onStack.get(place) ?? 0) + t);
});

const show = (title: string, m: Map<string, number>, of = total) => {
  console.log(`\n${title}`);
  for (const [k, t] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${((100 * t) / of).toFixed(1).padStart(5)}%  ${(t / 1000).toFixed(0).padStart(6)} ms  ${k}`);
};
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled`);
show('self time by package / file', perPlace);
show('self time by function', perFunction);
show(`on the stack, share of the ${(busy / 1e6).toFixed(1)} s busy (not idle or GC)`, onStack, busy);
