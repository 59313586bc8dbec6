/** Small formatting helpers for the page: times on the emulator clock, durations, state colours. */

export function clockTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
}

export function timeOfDay(iso: string): string {
  return iso.slice(11, 23);
}

export function duration(ms: number): string {
  const s = Math.abs(ms) / 1000;
  const text = s < 60 ? `${s.toFixed(s < 10 ? 1 : 0)} s` : s < 3600 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : s < 86_400 ? `${(s / 3600).toFixed(1)} h` : `${(s / 86_400).toFixed(1)} d`;
  return ms < 0 ? `${text} ago` : text;
}

const GOOD = /^(configured|active|available|provisioned|success|kept)$/i;
const BAD = /^(failed|failure|timeout|expired|revoked|deleted|inactive|deactivated|purged|in trash)$/i;

/** The badge colour of a state: good, bad, or in progress. */
export function tone(state: string): 'ok' | 'bad' | 'busy' {
  return GOOD.test(state) ? 'ok' : BAD.test(state) ? 'bad' : 'busy';
}

/** Epoch-millisecond columns of the state dump (`created_at`, `pending_since`, …). */
const TIME_COLUMN = /(_at|_since)$/;

/** A cell of the state dump: times as times, JSON text shown as such, long values cut. */
export function cell(value: unknown, column = ''): string {
  if (typeof value === 'number' && TIME_COLUMN.test(column) && value > 1e11) return clockTime(value);
  const text = value === null || value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

/** `katapult_access_keys` → `access keys`. */
export function kind(table: string, vendor: string): string {
  return table.replace(new RegExp(`^${vendor}_`), '').replace(/_/g, ' ');
}
