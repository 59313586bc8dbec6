import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ClockState } from '../../core/clock.js';
import type { FaultRule } from '../../core/faults.js';
import type { JournalEntry } from '../../core/journal.js';
import type { EntityState } from '../../core/timeline.js';
import { ApiError, follow, get, send, setToken, Unauthorized } from './api.js';
import { clockReading, emulatorNow, type ClockReading } from './clock.js';
import { cell, clockTime, duration, kind, timeOfDay, tone } from './format.js';

type Tables = Record<string, Array<Record<string, unknown>>>;
interface Timeline { clock: ClockState; limit: number; namespaces: Record<string, Record<string, EntityState[]>> }
interface StateDump { namespaces: Record<string, Record<string, Tables>> }

/** The journal entries the page keeps (newest first). */
const JOURNAL_KEPT = 500;
/** A burst of requests re-reads the state once, this long after the first. */
const REREAD_DELAY_MS = 250;
const STORAGE_TABLE = /bucket|object/;

/** Journal entries by sequence number, newest first, each once (the live feed and a re-read overlap). */
function newestFirst(entries: JournalEntry[]): JournalEntry[] {
  const bySeq = new Map(entries.map((e) => [e.seq, e]));
  return [...bySeq.values()].sort((a, b) => b.seq - a.seq).slice(0, JOURNAL_KEPT);
}

function errorText(err: unknown): string {
  return err instanceof ApiError || err instanceof Error ? err.message : String(err);
}

export function App(): VNode {
  const [auth, setAuth] = useState<'checking' | 'needed' | 'ok'>('checking');
  const [vendors, setVendors] = useState<string[]>([]);
  const [namespaces, setNamespaces] = useState<string[]>([]);
  const [selected, setSelected] = useState('default');
  const [timeline, setTimeline] = useState<Timeline>();
  const [clock, setClock] = useState<ClockReading>();
  const [dump, setDump] = useState<StateDump>();
  const [faults, setFaults] = useState<FaultRule[]>([]);
  const [journal, setJournal] = useState<JournalEntry[]>([]);
  const [message, setMessage] = useState<{ text: string; bad: boolean }>();
  const [, setTick] = useState(0);
  const selectedRef = useRef(selected);
  selectedRef.current = selected;

  const fail = useCallback((err: unknown) => {
    if (err instanceof Unauthorized) setAuth('needed');
    else setMessage({ text: errorText(err), bad: true });
  }, []);

  /** Re-reads what can change (conditional GETs: unchanged parts answer 304). */
  const reread = useCallback(async () => {
    const ns = encodeURIComponent(selectedRef.current);
    try {
      const [list, tl, state, rules] = await Promise.all([
        get<{ namespaces: Array<{ name: string }> }>('/namespaces'),
        get<Timeline>(`/timeline?namespace=${ns}`),
        get<StateDump>(`/state?namespace=${ns}`),
        get<{ faults: FaultRule[] }>('/faults'),
      ]);
      if (list.changed) setNamespaces(list.data.namespaces.map((n) => n.name));
      if (tl.changed) {
        setTimeline(tl.data);
        setClock(clockReading(tl.data.clock));
      }
      if (state.changed) setDump(state.data);
      if (rules.changed) setFaults(rules.data.faults);
    } catch (err) {
      fail(err);
    }
  }, [fail]);

  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const rereadSoon = useCallback(() => {
    pending.current ??= setTimeout(() => {
      pending.current = undefined;
      void reread();
    }, REREAD_DELAY_MS);
  }, [reread]);

  // Start (again after a token is entered): is a token needed? Then the journal so far, the state, and the live feed.
  const [session, setSession] = useState(0);
  useEffect(() => {
    let stopped = false;
    let stop = (): void => {};
    void (async () => {
      try {
        const health = await get<{ vendors: string[] }>('/health');
        setVendors(health.data.vendors);
      } catch (err) {
        return fail(err);
      }
      if (stopped) return;
      setAuth('ok');
      stop = follow(
        (e) => {
          if (e.event === 'request') {
            const entry = JSON.parse(e.data) as JournalEntry;
            setJournal((list) => newestFirst([entry, ...list]));
          }
          rereadSoon();
        },
        () => {
          // The newest page: GET /requests answers in pages (oldest first unless order=desc).
          void get<{ requests: JournalEntry[] }>('/requests?order=desc&limit=1000')
            .then((r) => setJournal((live) => newestFirst([...r.data.requests, ...live])))
            .catch(fail);
          void reread();
        },
        () => setAuth('needed'),
      );
    })();
    return () => {
      stopped = true;
      stop();
    };
  }, [session, fail, reread, rereadSoon]);

  useEffect(() => {
    if (auth === 'ok') void reread();
  }, [auth, selected, reread]);
  // A namespace reset away (or never there) falls back to the default one.
  useEffect(() => {
    if (namespaces.length > 0 && !namespaces.includes(selected)) setSelected('default');
  }, [namespaces, selected]);

  // The clock runs: redraw the countdowns each second (no request), and re-read when the next transition is due.
  useEffect(() => {
    if (!clock || clock.frozen) return;
    const timer = setInterval(() => setTick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, [clock]);
  useEffect(() => {
    if (!timeline || !clock || clock.frozen) return;
    const now = emulatorNow(clock);
    const dues = Object.values(timeline.namespaces).flatMap((v) => Object.values(v).flat()).map((e) => e.next?.dueAtMs).filter((d): d is number => d !== undefined && d > now);
    if (dues.length === 0) return;
    const timer = setTimeout(() => void reread(), Math.min(Math.min(...dues) - now + 50, 2 ** 31 - 1));
    return () => clearTimeout(timer);
  }, [timeline, clock, reread]);

  const act = useCallback(async (what: string, call: () => Promise<unknown>) => {
    try {
      await call();
      setMessage({ text: what, bad: false });
      await reread();
    } catch (err) {
      fail(err);
    }
  }, [fail, reread]);

  if (auth === 'needed') return html`<${TokenPrompt} refused=${session > 0} onToken=${(t: string) => { setToken(t); setMessage(undefined); setAuth('checking'); setSession((n) => n + 1); }} />`;
  if (auth === 'checking') return html`<p class="muted">Connecting…</p>`;

  const world = dump?.namespaces[selected] ?? {};
  const entities = timeline?.namespaces[selected] ?? {};
  // The clock comes with the timeline, so before its first read there are no entities to date.
  const now = clock ? emulatorNow(clock) : 0;
  return html`
    <header>
      <h1>accesskey-emulator</h1>
      <${ClockPanel} clock=${clock} act=${act} />
    </header>
    ${message && html`<p class=${`message ${message.bad ? 'bad' : ''}`} role="status">${message.text}</p>`}
    <nav class="namespaces" aria-label="namespaces">
      ${namespaces.map((n) => html`<button class=${n === selected ? 'tab current' : 'tab'} aria-pressed=${n === selected} onClick=${() => setSelected(n)}>${n}</button>`)}
      <button class="danger" onClick=${() => act(`Namespace ${selected} reset`, () => send('POST', `/reset?namespace=${encodeURIComponent(selected)}`))}>Reset namespace ${selected}</button>
    </nav>
    <div class="columns">
      <div class="world">
        <${Upcoming} entities=${entities} now=${now} />
        ${vendors.map((v) => html`<${VendorPanel} vendor=${v} entities=${entities[v] ?? []} limit=${timeline?.limit ?? Infinity} tables=${world[v] ?? {}} now=${now} />`)}
      </div>
      <div class="side">
        <${FaultPanel} faults=${faults} vendors=${vendors} namespace=${selected} act=${act} />
        <${JournalPanel} journal=${journal} vendors=${vendors} namespaces=${namespaces} clear=${() => act('Journal cleared', async () => { await send('DELETE', '/requests'); setJournal([]); })} />
      </div>
    </div>
  `;
}

type Act = (what: string, call: () => Promise<unknown>) => Promise<void>;

function TokenPrompt({ refused, onToken }: { refused: boolean; onToken: (token: string) => void }): VNode {
  const [value, setValue] = useState('');
  return html`
    <form class="token" onSubmit=${(e: Event) => { e.preventDefault(); if (value) onToken(value); setValue(''); }}>
      <h1>accesskey-emulator</h1>
      <p>This emulator's control plane is protected by <code>CONTROL_TOKEN</code>. Enter the token to open the dashboard; it is kept in this tab only and sent as <code>x-emulator-token</code>.</p>
      ${refused && html`<p class="message bad" role="alert">The control plane refused that token.</p>`}
      <label>Control token <input type="password" name="token" autocomplete="off" value=${value} onInput=${(e: Event) => setValue((e.target as HTMLInputElement).value)} /></label>
      <button type="submit">Open</button>
    </form>
  `;
}

function ClockPanel({ clock, act }: { clock: ClockReading | undefined; act: Act }): VNode {
  const [advance, setAdvance] = useState('10s');
  const [at, setAt] = useState('');
  const post = (what: string, body: unknown) => act(what, () => send('POST', '/clock', body));
  return html`
    <section class="clock" aria-label="clock">
      <div><span class="label">Emulator clock</span> <time data-testid="clock-now">${clock ? clockTime(emulatorNow(clock)) : '—'}</time> ${clock?.frozen ? html`<span class="badge busy">frozen</span>` : html`<span class="badge ok">running</span>`}
        ${clock && clock.offsetMs !== 0 && !clock.frozen ? html` <span class="muted">(real time ${clock.offsetMs > 0 ? '+' : '−'} ${duration(Math.abs(clock.offsetMs))})</span>` : ''}</div>
      <form onSubmit=${(e: Event) => { e.preventDefault(); void post(`Clock advanced by ${advance}`, { advance }); }}>
        <input aria-label="advance by" size="6" value=${advance} onInput=${(e: Event) => setAdvance((e.target as HTMLInputElement).value)} />
        <button type="submit">Advance</button>
      </form>
      <form onSubmit=${(e: Event) => { e.preventDefault(); void post(`Clock set to ${at}`, { set: at }); }}>
        <input aria-label="set to" size="22" placeholder=${clock?.now ?? 'ISO time'} value=${at} onInput=${(e: Event) => setAt((e.target as HTMLInputElement).value)} />
        <button type="submit">Set</button>
      </form>
      <button onClick=${() => post(clock?.frozen ? 'Clock running' : 'Clock frozen', { freeze: !clock?.frozen })}>${clock?.frozen ? 'Unfreeze' : 'Freeze'}</button>
      <button onClick=${() => post('Clock back to real time', { reset: true })}>Real time</button>
    </section>
  `;
}

/** "in 4.0 s", "after 2 reads", or the time it was due. */
function due(e: EntityState, now: number): string {
  if (!e.next) return '—';
  if (e.next.dueAtMs !== undefined) return e.next.dueAtMs > now ? `in ${duration(e.next.dueAtMs - now)}` : 'due now (on the next read)';
  return e.next.readsLeft === 1 ? 'on the next read' : `after ${e.next.readsLeft ?? '?'} reads`;
}

/** The namespace's coming transitions on one axis, from now to the last one due. */
function Upcoming({ entities, now }: { entities: Record<string, EntityState[]>; now: number }): VNode {
  const coming = Object.entries(entities).flatMap(([vendor, list]) => list.filter((e) => e.next).map((e) => ({ vendor, e })));
  coming.sort((a, b) => (a.e.next!.dueAtMs ?? Infinity) - (b.e.next!.dueAtMs ?? Infinity));
  const timed = coming.map((c) => c.e.next!.dueAtMs).filter((d): d is number => d !== undefined);
  const horizon = Math.max(1000, ...timed.map((d) => d - now));
  return html`
    <section class="upcoming" aria-label="upcoming transitions">
      <h2>Next transitions</h2>
      ${coming.length === 0 ? html`<p class="muted">Nothing is in transition in this namespace.</p>` : html`
        <div class="axis" role="img" aria-label="timeline from now to ${duration(horizon)} ahead">
          <span class="now">now</span><span class="end">+${duration(horizon)}</span>
          ${coming.filter((c) => c.e.next!.dueAtMs !== undefined).map((c) => html`<span class="mark" style=${`left:${Math.min(100, Math.max(0, ((c.e.next!.dueAtMs! - now) / horizon) * 100))}%`} title=${`${c.vendor} ${c.e.label ?? c.e.id}: ${c.e.state} → ${c.e.next!.state}, ${due(c.e, now)}`}></span>`)}
        </div>
        <ol>${coming.map((c) => html`<li><strong>${due(c.e, now)}</strong> · ${c.vendor} ${kind(c.e.table, c.vendor)} <code>${c.e.label ?? c.e.id}</code> ${c.e.state} → ${c.e.next!.state}</li>`)}</ol>`}
    </section>
  `;
}

function Progress({ e, now }: { e: EntityState; now: number }): VNode | string {
  const next = e.next;
  if (!next || next.dueAtMs === undefined || next.sinceMs === undefined || next.dueAtMs <= next.sinceMs) return '';
  const share = Math.min(1, Math.max(0, (now - next.sinceMs) / (next.dueAtMs - next.sinceMs)));
  return html`<span class="bar" title=${`${Math.round(share * 100)}% of ${duration(next.dueAtMs - next.sinceMs)}`}><span style=${`width:${share * 100}%`}></span></span>`;
}

function VendorPanel({ vendor, entities, limit, tables, now }: { vendor: string; entities: EntityState[]; limit: number; tables: Tables; now: number }): VNode {
  const names = Object.keys(tables);
  const perTable = new Map<string, number>();
  for (const e of entities) perTable.set(e.table, (perTable.get(e.table) ?? 0) + 1);
  const cut = [...perTable].filter(([, n]) => n >= limit).map(([t]) => kind(t, vendor));
  const storage = names.filter((t) => STORAGE_TABLE.test(t));
  const other = names.filter((t) => !STORAGE_TABLE.test(t));
  return html`
    <section class="vendor" data-vendor=${vendor} aria-label=${vendor}>
      <h2>${vendor}</h2>
      <h3>Keys, credentials and their states</h3>
      ${cut.length > 0 && html`<p class="muted">The newest ${limit} ${cut.join(', ')} only.</p>`}
      ${entities.length === 0 ? html`<p class="muted">None.</p>` : html`
        <div class="scroll"><table class="entities">
          <thead><tr><th>kind</th><th>id</th><th>name</th><th>state</th><th>next</th><th>due</th><th></th></tr></thead>
          <tbody>${entities.map((e) => html`
            <tr data-entity=${e.id}>
              <td>${kind(e.table, vendor)}</td><td><code>${e.id}</code></td><td>${e.label ?? ''}</td>
              <td><span class=${`badge ${tone(e.state)}`} data-testid="state">${e.state}</span></td>
              <td title=${e.next?.transition ?? ''}>${e.next ? `→ ${e.next.state}` : ''}</td>
              <td>${due(e, now)}</td><td><${Progress} e=${e} now=${now} /></td>
            </tr>`)}
          </tbody>
        </table></div>`}
      <h3>Buckets and objects</h3>
      ${storage.every((t) => (tables[t] ?? []).length === 0) ? html`<p class="muted">None.</p>` : storage.map((t) => html`<${DumpTable} name=${kind(t, vendor)} rows=${tables[t] ?? []} />`)}
      <details>
        <summary>Other tables (${other.map((t) => (tables[t] ?? []).length).reduce((a, b) => a + b, 0)} rows)</summary>
        ${other.map((t) => html`<${DumpTable} name=${kind(t, vendor)} rows=${tables[t] ?? []} />`)}
      </details>
    </section>
  `;
}

function DumpTable({ name, rows }: { name: string; rows: Array<Record<string, unknown>> }): VNode {
  if (rows.length === 0) return html`<p class="muted">${name}: none</p>`;
  const columns = Object.keys(rows[0]!);
  return html`
    <div class="scroll"><table class="dump">
      <caption>${name} (${rows.length})</caption>
      <thead><tr>${columns.map((c) => html`<th>${c}</th>`)}</tr></thead>
      <tbody>${rows.map((r) => html`<tr>${columns.map((c) => html`<td>${cell(r[c], c)}</td>`)}</tr>`)}</tbody>
    </table></div>
  `;
}

function FaultPanel({ faults, vendors, namespace, act }: { faults: FaultRule[]; vendors: string[]; namespace: string; act: Act }): VNode {
  const [rule, setRule] = useState({ vendor: '', method: '', path: '', operation: '', error: '503', times: '1', onlyHere: false });
  const field = (key: keyof typeof rule) => (e: Event) => setRule({ ...rule, [key]: (e.target as HTMLInputElement).value });
  const add = (e: Event) => {
    e.preventDefault();
    const body: Record<string, unknown> = {};
    if (rule.vendor) body.vendor = rule.vendor;
    if (rule.onlyHere) body.namespace = namespace;
    if (rule.method) body.method = rule.method;
    if (rule.path) body.path = rule.path;
    if (rule.operation) body.operation = rule.operation;
    body.error = /^\d+$/.test(rule.error) ? Number(rule.error) : rule.error;
    if (rule.times) body.times = Number(rule.times);
    void act('Fault rule added', () => send('POST', '/faults', body));
  };
  return html`
    <section class="faults" aria-label="fault rules">
      <h2>Fault rules</h2>
      <form class="grid" onSubmit=${add}>
        <label>vendor <select name="vendor" value=${rule.vendor} onChange=${field('vendor')}><option value="">any</option>${vendors.map((v) => html`<option value=${v}>${v}</option>`)}</select></label>
        <label>method <input name="method" size="6" placeholder="any" value=${rule.method} onInput=${field('method')} /></label>
        <label>path <input name="path" placeholder="glob, e.g. /organizations/**" value=${rule.path} onInput=${field('path')} /></label>
        <label>operation <input name="operation" placeholder="any" value=${rule.operation} onInput=${field('operation')} /></label>
        <label>error <input name="error" size="10" placeholder="status or vendor code" value=${rule.error} onInput=${field('error')} /></label>
        <label>times <input name="times" size="4" placeholder="∞" value=${rule.times} onInput=${field('times')} /></label>
        <label class="check"><input type="checkbox" checked=${rule.onlyHere} onChange=${(e: Event) => setRule({ ...rule, onlyHere: (e.target as HTMLInputElement).checked })} /> only in ${namespace}</label>
        <button type="submit">Add rule</button>
      </form>
      ${faults.length === 0 ? html`<p class="muted">No fault rules.</p>` : html`
        <ul class="rules">${faults.map((f) => html`
          <li data-rule=${f.id}>
            <code>${f.id}</code>
            <span>${[f.vendor ?? 'any vendor', f.namespace && `ns ${f.namespace}`, f.method, f.path, f.operation].filter(Boolean).join(' · ')}</span>
            <span>→ ${[f.error && `error ${f.error}`, f.outcome && `outcome ${f.outcome}`, f.delayMs !== undefined && `delay ${f.delayMs} ms`].filter(Boolean).join(', ')}</span>
            <span class="muted">fired ${f.fired}${f.times !== undefined ? ` of ${f.times}` : ''}, matched ${f.matched}</span>
            <button class="small" aria-label=${`remove ${f.id}`} onClick=${() => act(`Fault rule ${f.id} removed`, () => send('DELETE', `/faults/${encodeURIComponent(f.id)}`))}>remove</button>
          </li>`)}
        </ul>
        <button class="small danger" onClick=${() => act('Every fault rule removed', () => send('DELETE', '/faults'))}>Remove all</button>`}
    </section>
  `;
}

const STATUS_FILTERS: Record<string, (status: number) => boolean> = {
  all: () => true,
  failed: (s) => s >= 400,
  '2xx': (s) => s >= 200 && s < 300,
  '4xx': (s) => s >= 400 && s < 500,
  '5xx': (s) => s >= 500,
};

function JournalPanel({ journal, vendors, namespaces, clear }: { journal: JournalEntry[]; vendors: string[]; namespaces: string[]; clear: () => void }): VNode {
  const [vendor, setVendor] = useState('');
  const [namespace, setNamespace] = useState('');
  const [status, setStatus] = useState('all');
  const shown = useMemo(() => {
    const exact = /^\d{3}$/.test(status) ? Number(status) : undefined;
    const test = STATUS_FILTERS[status] ?? ((s: number) => s === exact);
    return journal.filter((e) => (!vendor || e.vendor === vendor) && (!namespace || e.namespace === namespace) && test(e.status));
  }, [journal, vendor, namespace, status]);
  const value = (set: (v: string) => void) => (e: Event) => set((e.target as HTMLSelectElement).value);
  return html`
    <section class="journal" aria-label="request journal">
      <h2>Requests <span class="muted">(newest first)</span></h2>
      <div class="filters">
        <label>vendor <select name="journal-vendor" value=${vendor} onChange=${value(setVendor)}><option value="">all</option>${vendors.map((v) => html`<option value=${v}>${v}</option>`)}</select></label>
        <label>namespace <select name="journal-namespace" value=${namespace} onChange=${value(setNamespace)}><option value="">all</option>${namespaces.map((n) => html`<option value=${n}>${n}</option>`)}</select></label>
        <label>status <input name="journal-status" list="status-filters" size="6" value=${status} onInput=${value(setStatus)} /></label>
        <datalist id="status-filters">${Object.keys(STATUS_FILTERS).map((s) => html`<option value=${s}></option>`)}</datalist>
        <button class="small" onClick=${clear}>Clear</button>
      </div>
      <div class="scroll"><table class="requests">
        <thead><tr><th>time</th><th>ns</th><th>vendor</th><th>request</th><th>operation</th><th>status</th><th>ms</th></tr></thead>
        <tbody>${shown.map((e) => html`
          <tr key=${e.seq} class=${e.status >= 400 ? 'failed' : ''} data-status=${e.status}>
            <td>${timeOfDay(e.time)}</td><td>${e.namespace}</td><td>${e.vendor}</td><td><code>${e.method} ${e.path}</code></td><td>${e.operation ?? ''}</td>
            <td><span class=${`badge ${e.status >= 500 ? 'bad' : e.status >= 400 ? 'bad' : 'ok'}`}>${e.status}</span></td><td>${e.durationMs}</td>
          </tr>`)}
        </tbody>
      </table></div>
      ${shown.length === 0 ? html`<p class="muted">No requests${journal.length ? ' match these filters' : ' yet'}.</p>` : ''}
    </section>
  `;
}
