import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Invalid } from '#platform/errors.ts';
import { fieldErrors } from '#platform/validation.ts';
import { Layout } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import { barChart } from './statistics.charts.ts';
import {
  type Rate,
  type Statistics,
  StatsQuery,
  statisticsCsv,
  statisticsFor,
} from './statistics.service.ts';

const pct = (r: Rate) => (r.value === null ? '—' : `${(r.value * 100).toFixed(1).replace('.', ',')}%`);

function defaults(req: FastifyRequest) {
  const q = req.query as Record<string, string | undefined>;
  const staff = req.actor.kind === 'staff' ? req.actor : undefined;
  const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
  return {
    place: q.place ?? staff?.grants[0]?.placeName ?? '',
    placeCode: q.place,
    from: q.from ?? `${today.slice(0, 4)}-01-01`,
    to: q.to ?? today,
  };
}

function Figures({ s }: { s: Statistics }) {
  const d = s.dossiers;
  const rows: [string, string][] = [
    ['Hồ sơ tiếp nhận', String(d.received)],
    ['– trực tiếp / trực tuyến / bưu chính', `${d.channel1} / ${d.channel2} / ${d.channel3}`],
    ['Tỷ lệ hồ sơ trực tuyến', pct(s.rates.online)],
    ['Hồ sơ đã giải quyết', String(d.decided)],
    ['– trước hạn / đúng hạn / quá hạn', `${d.early} / ${d.onTime} / ${d.late}`],
    ['Tỷ lệ giải quyết trước và đúng hạn', pct(s.rates.onTime)],
    ['Hồ sơ đang quá hạn', String(d.overdueOpen)],
    ['Số ngày giải quyết trung bình (ngày lịch)', d.avgDays === null ? '—' : d.avgDays.toFixed(1)],
    ['Tỷ lệ số hóa hồ sơ', pct(s.rates.digitisation)],
    ['Tỷ lệ thanh toán trực tuyến', pct(s.rates.onlinePayment)],
    ['Tỷ lệ hài lòng', pct(s.rates.satisfaction)],
  ];
  return (
    <table>
      <tbody>
        {rows.map(([k, v]) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td>{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function registerStatisticsPages(app: FastifyInstance) {
  const page = async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.actor.kind !== 'staff')
      return reply.redirect(`/dang-nhap?next=${encodeURIComponent(req.url)}`, 303);
    const p = await pageCtx(req, reply);
    const v = defaults(req);
    let s: Statistics | undefined;
    let errors: Record<string, string> = {};
    if (v.placeCode) {
      const parsed = StatsQuery.safeParse({ place: v.placeCode, from: v.from, to: v.to });
      if (parsed.success) s = await statisticsFor(req.ctx(), parsed.data);
      else errors = Object.fromEntries(fieldErrors(parsed.error).map((f) => [f.field, f.vi]));
    }
    const qs = new URLSearchParams({ place: v.placeCode ?? '', from: v.from, to: v.to }).toString();
    return sendPage(
      reply,
      <Layout page={p} title="Thống kê một cửa">
        <h1>Thống kê một cửa điện tử</h1>
        <form method="get" action="/quan-tri/thong-ke" novalidate>
          <div class={errors.place ? 'field invalid' : 'field'}>
            <label for="f-place">Mã địa bàn (xã, tỉnh)</label>
            {errors.place && <strong class="err">{errors.place}</strong>}
            <input id="f-place" name="place" value={v.placeCode ?? ''} inputmode="numeric" />
          </div>
          <div class="field">
            <label for="f-from">Từ ngày</label>
            <input id="f-from" name="from" type="date" value={v.from} />
          </div>
          <div class={errors.to ? 'field invalid' : 'field'}>
            <label for="f-to">Đến ngày</label>
            {errors.to && <strong class="err">{errors.to}</strong>}
            <input id="f-to" name="to" type="date" value={v.to} />
          </div>
          <button type="submit">Xem</button>
        </form>
        {s && (
          <section>
            <h2>
              {s.place.fullName}: {s.from} – {s.to}
            </h2>
            <p>
              <a href={`/quan-tri/thong-ke.csv?${qs}`} download>
                Tải CSV
              </a>
            </p>
            <Figures s={s} />
            <h2>
              Chỉ số phục vụ (Quyết định 766/QĐ-TTg): <span data-total>{s.total.toFixed(2)}</span> /{' '}
              {s.maxAvailable} điểm
            </h2>
            {/* SVG drawn on the server: no script. */}
            <div
              dangerouslySetInnerHTML={{
                __html: barChart(
                  'Điểm theo nhóm chỉ số',
                  s.groups.map((g) => ({
                    label: g.vi,
                    value: g.score ?? 0,
                    max: g.weight,
                    text: g.score === null ? 'chưa có dữ liệu' : `${g.score.toFixed(2)}/${g.weight}`,
                  })),
                ),
              }}
            />
            <div
              dangerouslySetInnerHTML={{
                __html: barChart(
                  'Hồ sơ tiếp nhận theo hình thức',
                  [
                    ['Trực tiếp', s.dossiers.channel1],
                    ['Trực tuyến', s.dossiers.channel2],
                    ['Bưu chính công ích', s.dossiers.channel3],
                  ].map(([label, n]) => ({
                    label: String(label),
                    value: Number(n),
                    max: Math.max(1, s?.dossiers.received ?? 1),
                  })),
                ),
              }}
            />
          </section>
        )}
      </Layout>,
      Object.keys(errors).length ? 400 : 200,
    );
  };
  app.get('/quan-tri/thong-ke', page);

  app.get('/quan-tri/thong-ke.csv', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const parsed = StatsQuery.safeParse({ place: q.place, from: q.from, to: q.to });
    if (!parsed.success) throw new Invalid(fieldErrors(parsed.error));
    const s = await statisticsFor(req.ctx(), parsed.data);
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="thong-ke-${s.place.code}-${s.from}-${s.to}.csv"`)
      .send(statisticsCsv(s));
  });
}
