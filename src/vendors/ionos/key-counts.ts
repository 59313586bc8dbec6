/**
 * How many key rows each user holds, per namespace, kept in memory so that a create checks the key
 * limit without counting rows (or paying for a counter table's trigger on every INSERT). A count is
 * read from the table the first time it is asked for and then moved with the store's own inserts and
 * deletes. Whatever changes keys behind the store's back drops it: a reset (the vendor's `forget`),
 * a fixture load (the store's seeding statements) and a failed transaction (the store's `transaction`).
 */
export class KeyCounts {
  private readonly byNamespace = new Map<string, Map<string, number>>();

  get(namespace: string, userId: string): number | undefined {
    return this.byNamespace.get(namespace)?.get(userId);
  }

  set(namespace: string, userId: string, n: number): number {
    let users = this.byNamespace.get(namespace);
    if (users === undefined) this.byNamespace.set(namespace, (users = new Map()));
    users.set(userId, n);
    return n;
  }

  /** Moves a count that is known; one not yet read stays unknown (it is counted when asked for). */
  add(namespace: string, userId: string, delta: number): void {
    const n = this.get(namespace, userId);
    if (n !== undefined) this.set(namespace, userId, n + delta);
  }

  /** Drops the counts of one namespace, or of all. */
  forget(namespace?: string): void {
    if (namespace === undefined) this.byNamespace.clear();
    else this.byNamespace.delete(namespace);
  }
}
