/**
 * Path globs for fault rules: `*` matches within a segment (anything but `/`), `**` across segments;
 * every other character is itself. Matching simulates the glob's automaton over the path, one pass
 * with a set of live pattern positions, so it takes time proportional to path × glob length whatever
 * the glob (a regular expression of many `*` backtracks exponentially).
 */
export const MAX_GLOB_LENGTH = 256;

const STAR = -1; // any run of non-'/' characters
const GLOBSTAR = -2; // any run of characters

export interface PathGlob {
  readonly source: string;
  test(path: string): boolean;
}

export function compileGlob(glob: string): PathGlob {
  const tokens: number[] = [];
  for (let i = 0; i < glob.length; i++) {
    if (glob[i] === '*') {
      const double = glob[i + 1] === '*';
      if (double) i++;
      const last = tokens[tokens.length - 1];
      // Adjacent stars add nothing: `***` is `**`, `*` next to `**` is `**`.
      if (last === STAR || last === GLOBSTAR) {
        if (double) tokens[tokens.length - 1] = GLOBSTAR;
        continue;
      }
      tokens.push(double ? GLOBSTAR : STAR);
    } else {
      tokens.push(glob.charCodeAt(i));
    }
  }
  const n = tokens.length;
  return {
    source: glob,
    test(path: string): boolean {
      let live = new Uint8Array(n + 1);
      let next = new Uint8Array(n + 1);
      const close = (set: Uint8Array) => {
        for (let s = 0; s < n; s++) if (set[s] && tokens[s]! < 0) set[s + 1] = 1;
      };
      live[0] = 1;
      close(live);
      for (let i = 0; i < path.length; i++) {
        const c = path.charCodeAt(i);
        next.fill(0);
        let any = false;
        for (let s = 0; s < n; s++) {
          if (!live[s]) continue;
          const t = tokens[s]!;
          if (t === GLOBSTAR || (t === STAR && c !== 0x2f)) next[s] = 1;
          else if (t === c) next[s + 1] = 1;
          else continue;
          any = true;
        }
        if (!any) return false;
        close(next);
        [live, next] = [next, live];
      }
      return live[n] === 1;
    },
  };
}
