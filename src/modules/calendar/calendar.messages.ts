import { addMessages } from '#platform/i18n/index.ts';

addMessages('calendar', {
  vi: {
    admin: {
      title: 'Lịch ngày nghỉ hằng năm',
      intro:
        'Ngày nghỉ lễ được tính tự động (Tết theo âm lịch, Giỗ Tổ, nghỉ bù). Khi Chính phủ công bố lịch chính thức hoặc hoán đổi ngày làm việc, nhập vào đây.',
      computed: 'Ngày nghỉ tính theo luật',
      replace: 'Thay toàn bộ danh sách ngày nghỉ (để trống nếu không thay)',
      add: 'Thêm ngày nghỉ',
      remove: 'Bỏ ngày nghỉ (đi làm)',
      workingDays: 'Thứ Bảy, Chủ nhật đi làm',
      note: 'Căn cứ (số văn bản)',
      datesHint: 'Ngày theo dạng 2026-02-16, cách nhau bằng dấu phẩy.',
      saved: 'Đã lưu lịch năm {{year}}.',
      save: 'Lưu',
    },
  },
  en: {
    admin: {
      title: 'Yearly days off',
      intro:
        'Public holidays are computed (lunar Tết, Hùng Kings, substitute days). Enter the government’s announcement or swapped working days here.',
      computed: 'Days off by law',
      replace: 'Replace the whole list of days off (leave empty to keep it)',
      add: 'Add days off',
      remove: 'Remove days off (worked)',
      workingDays: 'Saturdays or Sundays worked',
      note: 'Basis (document number)',
      datesHint: 'Dates like 2026-02-16, separated by commas.',
      saved: 'Calendar for {{year}} saved.',
      save: 'Save',
    },
  },
});
