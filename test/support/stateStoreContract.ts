// The behaviour every state store must have, run against each implementation.
import { describe, expect, it } from 'vitest';
import type { StateStore } from '../../src/state/stateStore.ts';

export function stateStoreContract(name: string, open: () => Promise<StateStore>): void {
  describe(`${name}: the state store contract`, () => {
    it('grants a claim once until it expires, and again after release', async () => {
      const store = await open();
      expect(await store.claim('event:Ev1', 60, 1_000)).toBe(true);
      expect(await store.claim('event:Ev1', 60, 2_000)).toBe(false);
      expect(await store.claim('event:Ev2', 60, 2_000)).toBe(true);
      expect(await store.claim('event:Ev1', 60, 61_001)).toBe(true);
      await store.release('event:Ev2');
      expect(await store.claim('event:Ev2', 60, 3_000)).toBe(true);
      await store.close();
    });

    it('writes a record only at the expected version, so exactly one of many concurrent writers wins', async () => {
      const store = await open();
      expect(await store.read('action#a')).toBeUndefined();
      const first = await Promise.all(Array.from({ length: 20 }, (_, k) => store.write('action#a', { by: `U${k}` }, 0)));
      expect(first.filter(Boolean)).toHaveLength(1);
      const winner = await store.read<{ by: string }>('action#a');
      expect(winner!.version).toBe(1);
      expect(winner!.value.by).toBe(`U${first.indexOf(true)}`);
      const second = await Promise.all(Array.from({ length: 20 }, (_, k) => store.write('action#a', { by: `V${k}` }, 1)));
      expect(second.filter(Boolean)).toHaveLength(1);
      expect((await store.read('action#a'))!.version).toBe(2);
      expect(await store.write('action#a', { by: 'late' }, 1)).toBe(false);
      await store.close();
    });

    it('lets a record expire: it reads as absent and can be written afresh', async () => {
      const store = await open();
      expect(await store.write('snooze#x', { until: 1 }, 0, { ttlSeconds: 10, nowMs: 1_000 })).toBe(true);
      expect((await store.read('snooze#x', 5_000))?.value).toEqual({ until: 1 });
      expect(await store.read('snooze#x', 11_001)).toBeUndefined();
      expect(await store.list('snooze#', 11_001)).toEqual([]);
      expect(await store.write('snooze#x', { until: 2 }, 0, { ttlSeconds: 10, nowMs: 11_001 })).toBe(true);
      expect((await store.read('snooze#x', 12_000))?.value).toEqual({ until: 2 });
      await store.close();
    });

    it('lists the records under a prefix and nothing else', async () => {
      const store = await open();
      await store.write('decision#b', 2, 0);
      await store.write('decision#a', 1, 0);
      await store.write('decisions-other', 3, 0);
      const listed = await store.list<number>('decision#');
      expect(listed.map((r) => [r.key, r.record.value]).sort()).toEqual([
        ['decision#a', 1],
        ['decision#b', 2],
      ]);
      await store.close();
    });

    it('keeps the audit log in order, newest first, from a given time', async () => {
      const store = await open();
      for (let k = 0; k < 5; k++)
        await store.appendAudit({ at: 1_000 * (k + 1), actor: `U${k}`, event: 'click', outcome: `n${k}`, detail: { k } });
      const latest = await store.audit(2_000, 3);
      expect(latest.map((e) => e.outcome)).toEqual(['n4', 'n3', 'n2']);
      expect(latest[0]).toEqual({ at: 5_000, actor: 'U4', event: 'click', outcome: 'n4', detail: { k: 4 } });
      expect(await store.audit(6_000, 10)).toEqual([]);
      await store.close();
    });
  });
}
