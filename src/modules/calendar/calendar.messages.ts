import { addMessages } from '#platform/i18n/index.ts';

addMessages('calendar', {
  vi: {
    public: {
      title: 'Lịch làm việc',
      national:
        'Ngày nghỉ lễ, Tết của cán bộ, công chức theo thông báo của Chính phủ, áp dụng cho mọi tỉnh. Chọn tỉnh để xem cả ngày nghỉ riêng của tỉnh.',
      forProvince: 'Ngày nghỉ lễ, Tết và ngày đi làm bù của cơ quan nhà nước ở {{name}}.',
      province: 'Tỉnh, thành phố',
      allProvinces: 'Cả nước (lịch chung)',
      show: 'Xem',
      fromNotices: 'Theo các văn bản:',
      noNotice:
        'Năm {{year}} chưa có thông báo chính thức về lịch nghỉ. Các ngày dưới đây tính theo Bộ luật Lao động và có thể thay đổi khi Chính phủ thông báo; nên hỏi lại xã trước khi đi.',
      summary:
        'Năm nay có {{count}} ngày nghỉ rơi vào ngày thường (thứ Hai đến thứ Sáu) và {{worked}} ngày thứ Bảy, Chủ nhật phải đi làm bù. Các ngày thứ Bảy, Chủ nhật khác cơ quan nghỉ.',
      date: 'Ngày',
      what: 'Cơ quan',
      why: 'Lý do',
      basis: 'Căn cứ',
      off: 'Nghỉ',
      work: 'Làm việc',
      weekendAnyway: 'Nghỉ (trùng cuối tuần)',
      lunar: 'âm lịch {{date}}',
      swappedWith: 'đổi với ngày {{date}}',
      noticeUnnumbered: 'Văn bản của Chính phủ (chưa tìm được số)',
      provinceBasis: 'Quyết định của tỉnh',
      defaultBasis: 'Bộ luật Lao động (chưa có thông báo năm nay)',
      hours:
        'Giờ làm việc thường là sáng 7 giờ 30 đến 11 giờ 30, chiều 13 giờ đến 17 giờ; mỗi xã có thể khác, hãy hỏi xã của bạn.',
      api: 'Dữ liệu này có qua API:',
    },
    admin: {
      title: 'Lịch ngày nghỉ hằng năm',
      intro:
        'Ngày nghỉ chính thức của cán bộ, công chức theo thông báo hằng năm của Chính phủ được hệ thống áp dụng sẵn cho mọi tỉnh. Chỉ nhập vào đây những ngày tỉnh quyết định khác (nghỉ thêm, đi làm bù); chỉ áp dụng cho tỉnh này.',
      computed: 'Ngày nghỉ tính theo luật (chưa có thông báo chính thức)',
      official: 'Ngày nghỉ theo thông báo chính thức của Chính phủ',
      officialWorked: 'Ngày thứ Bảy, Chủ nhật đi làm bù theo thông báo:',
      noNotice:
        'Năm {{year}} chưa có thông báo chính thức về lịch nghỉ trong dữ liệu của hệ thống: các ngày dưới đây tính theo Bộ luật Lao động (Tết từ 29 tháng Chạp). Khi có thông báo, hãy cập nhật.',
      replace: 'Thay toàn bộ danh sách ngày nghỉ (để trống nếu không thay)',
      add: 'Thêm ngày nghỉ',
      remove: 'Bỏ ngày nghỉ (đi làm)',
      workingDays: 'Thứ Bảy, Chủ nhật đi làm',
      note: 'Căn cứ (số văn bản)',
      datesHint: 'Ngày/tháng/năm, ví dụ 16/02/2026, cách nhau bằng dấu phẩy.',
      saved: 'Đã lưu lịch năm {{year}}.',
      save: 'Lưu',
    },
  },
  en: {
    public: {
      title: 'Office calendar',
      national:
        'Public holidays and Tết for civil servants, as the government’s notices set them, for every province. Choose a province to see its own days too.',
      forProvince: 'Days off and weekend days worked by state offices in {{name}}.',
      province: 'Province or city',
      allProvinces: 'Whole country (common calendar)',
      show: 'Show',
      fromNotices: 'Set by:',
      noNotice:
        'There is no official notice for {{year}} yet. The days below follow the Labour Code and may change when the government announces them; ask the commune before you travel.',
      summary:
        'This year {{count}} days off fall on weekdays (Monday to Friday) and {{worked}} Saturdays or Sundays are worked instead. Other Saturdays and Sundays the offices are closed.',
      date: 'Date',
      what: 'Office',
      why: 'Why',
      basis: 'Basis',
      off: 'Closed',
      work: 'Open',
      weekendAnyway: 'Closed (weekend)',
      lunar: 'lunar {{date}}',
      swappedWith: 'swapped with {{date}}',
      noticeUnnumbered: 'Government document (number not found)',
      provinceBasis: 'The province’s decision',
      defaultBasis: 'Labour Code (no notice for this year yet)',
      hours: 'Office hours are usually 07:30–11:30 and 13:00–17:00; communes differ, ask yours.',
      api: 'This data is also available through the API:',
    },
    admin: {
      title: 'Yearly days off',
      intro:
        'The official days off for civil servants, from the government’s yearly notices, apply to every province already. Enter here only the days this province keeps differently (extra days off, days worked); they apply to this province only.',
      computed: 'Days off by law (no official notice yet)',
      official: 'Days off in the government’s official notice',
      officialWorked: 'Saturdays or Sundays worked instead, per the notice:',
      noNotice:
        'The system has no official notice for {{year}} yet: the days below are computed from the Labour Code (Tết from the 29th of the 12th lunar month). Update when the notice comes.',
      replace: 'Replace the whole list of days off (leave empty to keep it)',
      add: 'Add days off',
      remove: 'Remove days off (worked)',
      workingDays: 'Saturdays or Sundays worked',
      note: 'Basis (document number)',
      datesHint: 'Day/month/year, e.g. 16/02/2026, separated by commas.',
      saved: 'Calendar for {{year}} saved.',
      save: 'Save',
    },
  },
});
