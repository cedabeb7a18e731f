import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { COMMUNE_A } from '#test/support/app.ts';
import { approveBulletin, createBulletin, submitBulletin } from './broadcast.bulletins.service.ts';
import { createProgramme, scheduleBulletin } from './broadcast.programmes.service.ts';
import { runtimeFor } from './broadcast.runtime.ts';
import { localTime } from './broadcast.schedule.ts';
import { addCluster, type BroadcastTestApp, startBroadcastApp } from './broadcast.test-support.ts';

/**
 * Circular 39/2020/TT-BTTTT (docs/rules.md, DOMAIN.md "Loudspeakers"): a priority bulletin is
 * first in the programme it joins — here through the database, as the operator schedules it.
 */
describe('a priority bulletin scheduled into a programme', () => {
  let t: BroadcastTestApp;
  let clusterId = 0;
  let programmeId = 0;

  const approved = async (title: string, body: string, priority: 'normal' | 'priority') => {
    const op = await t.ctx('op_a');
    const b = await createBulletin(op, runtimeFor(t.platform).deps, COMMUNE_A, { title, body, priority });
    await submitBulletin(op, b.id);
    await approveBulletin(await t.ctx('leader_a'), b.id);
    return b.id;
  };
  const day = '2026-12-07';
  const schedule = async (bulletinId: number, startTime: string) =>
    scheduleBulletin(await t.ctx('op_a'), bulletinId, {
      programmeId,
      startTime,
      weekdays: 127,
      startDate: day,
      endDate: day,
      repeat: 1,
    });

  before(async () => {
    t = await startBroadcastApp({ villages: 1, start: false, voice: 'test' });
    clusterId = (await addCluster(t, t.villagesA[0] as never, 'Loa thôn 1')).cluster.id;
    programmeId = (
      await createProgramme(await t.ctx('op_a'), COMMUNE_A, { name: 'Bản tin sáng', clusterIds: [clusterId] })
    ).id;
  });
  after(() => t?.shutdown());

  it('when it is set after the normal bulletins of the morning sitting, then it plays at the head of the sitting', async () => {
    const first = await approved(
      'Lịch tiêm phòng',
      'Sáng thứ hai tiêm phòng cho trâu bò tại nhà văn hóa thôn.',
      'normal',
    );
    await schedule(first, '06:00');
    const urgent = await approved('Họp dân gấp', 'Tối nay họp dân bàn việc sửa đường vào bản.', 'priority');
    const { preview } = await schedule(urgent, '06:01');
    const plays = preview.timelines.get(clusterId)?.plays ?? [];
    assert.deepEqual(
      plays.map((p) => p.bulletinId),
      [urgent, first],
    );
    assert.equal(localTime(plays[0]?.at ?? 0), '06:00:00');
  });
});
