import { it } from 'vitest';
it.skip('coverage matrix (not yet)', () => {});
