import type { FastifyInstance } from 'fastify';
import { PUBLIC_CALENDAR_PATH } from '#modules/calendar/index.ts';
import { addMessages } from '#platform/i18n/index.ts';
import { Layout } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';

addMessages('home', {
  vi: {
    title: 'Trang chủ',
    h1: 'Làm thủ tục với xã mà không phải đi xa',
    lead: 'Xã Số giúp bà con ở thôn, bản xa trụ sở xã làm việc với chính quyền ngay trên điện thoại, kể cả khi sóng yếu.',
    what: 'Bạn có thể làm gì ở đây',
    file: 'Nộp hồ sơ',
    fileText:
      'Khai sinh, chứng thực, xác nhận cư trú và các thủ tục khác: điền tờ khai, chụp giấy tờ gửi lên, không phải mang giấy tới xã.',
    track: 'Theo dõi hồ sơ',
    trackText:
      'Xem hồ sơ của bạn đang ở bước nào và ngày hẹn trả kết quả. Có tin nhắn báo khi hồ sơ thay đổi.',
    feedback: 'Phản ánh, kiến nghị',
    feedbackText: 'Báo đường sạt lở, ống nước vỡ, hay góp ý với cán bộ; xem câu trả lời công khai.',
    radio: 'Bản tin loa xã',
    radioText: 'Nghe lại bản tin và cảnh báo thiên tai của xã.',
    soon: 'Sắp có',
    signIn: 'Đăng nhập bằng số điện thoại',
    signInText: 'Không cần mật khẩu: nhập số điện thoại, nhận mã qua tin nhắn.',
    calendar: 'Lịch làm việc',
    calendarText: 'Ngày nào xã làm việc, ngày nào nghỉ lễ, Tết, nghỉ bù, để khỏi đi uổng công.',
    places: 'Tìm xã, thôn của bạn',
    placesText: 'Tra tên và mã xã, phường mới sau sắp xếp ngày 1/7/2025, và xã cũ nay thuộc đâu.',
    help: 'Cần người giúp? Tổ công nghệ số cộng đồng ở thôn, bản có thể làm giúp bạn ngay tại nhà.',
    fieldkit: 'Tổ công nghệ số cộng đồng',
    fieldkitText:
      'Dành cho thành viên tổ: danh sách hộ, lần thăm và nộp hồ sơ giúp bà con, dùng được cả khi mất sóng.',
  },
  en: {
    title: 'Home',
    h1: 'Deal with your commune without the long trip',
    lead: 'Xã Số lets people in villages far from the commune seat deal with their local government from a phone, even on a weak signal.',
    what: 'What you can do here',
    file: 'File a dossier',
    fileText:
      'Birth registration, certified copies, residence confirmation and more: fill in the form and send photos of your papers instead of carrying them.',
    track: 'Track a dossier',
    trackText:
      'See which step your dossier is at and when the result is due. A text message tells you when it changes.',
    feedback: 'Feedback',
    feedbackText: 'Report a landslide, a broken pipe or a rude official; read the public answers.',
    radio: 'Commune radio bulletins',
    radioText: 'Listen again to the commune’s bulletins and disaster warnings.',
    soon: 'Coming soon',
    signIn: 'Sign in with your phone number',
    signInText: 'No password: enter your phone number and get a code by SMS.',
    calendar: 'Office calendar',
    calendarText:
      'Which days the commune office is open, and the holidays, Tết and days in lieu, so you do not travel for nothing.',
    places: 'Find your commune or village',
    placesText:
      'Look up the new communes after the 1 July 2025 reorganisation, and where a former commune now belongs.',
    help: 'Need a hand? Your village’s community digital team can do it with you at home.',
    fieldkit: 'Community digital teams',
    fieldkitText: 'For team members: households, visits and filing for people, even without signal.',
  },
});

/** Services the home page lists; each later module fills in its link. */
const SERVICES: readonly { key: string; href: string | undefined }[] = [
  { key: 'file', href: '/thu-tuc' },
  { key: 'track', href: '/tra-cuu' },
  { key: 'feedback', href: '/phan-anh' },
  { key: 'radio', href: '/loa' },
  { key: 'signIn', href: '/cong-dan/dang-nhap' },
  { key: 'places', href: '/dia-ban' },
  { key: 'fieldkit', href: '/to-cong-nghe/' },
  { key: 'calendar', href: PUBLIC_CALENDAR_PATH },
];

export function registerHomeRoutes(app: FastifyInstance) {
  app.get('/', async (req, reply) => {
    const page = await pageCtx(req, reply);
    const t = page.t;
    return sendPage(
      reply,
      <Layout page={page} title={t('home:title')}>
        <h1>{t('home:h1')}</h1>
        <p>{t('home:lead')}</p>
        <h2>{t('home:what')}</h2>
        <ul class="cards">
          {/* What works today first: on a phone the first screen should hold something to tap. */}
          {[...SERVICES.filter((s) => s.href), ...SERVICES.filter((s) => !s.href)].map((s) => (
            <li key={s.key}>
              <h2>
                {s.href ? <a href={s.href}>{t(`home:${s.key}`)}</a> : t(`home:${s.key}`)}
                {!s.href && <span class="tag">{t('home:soon')}</span>}
              </h2>
              <p>{t(`home:${s.key}Text`)}</p>
            </li>
          ))}
        </ul>
        <p class="notice">{t('home:help')}</p>
      </Layout>,
    );
  });
}
