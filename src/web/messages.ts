import { addMessages } from '#platform/i18n/index.ts';

addMessages('web', {
  vi: {
    site: 'Xã Số',
    tagline: 'Dịch vụ công của xã, ngay trên điện thoại',
    skip: 'Bỏ qua, tới nội dung chính',
    nav: {
      home: 'Trang chủ',
      places: 'Địa bàn',
      signIn: 'Cán bộ đăng nhập',
      signInShort: 'Cán bộ',
      citizen: 'Công dân',
      signOut: 'Đăng xuất',
      admin: 'Quản trị',
      security: 'Bảo mật',
    },
    lang: { switch: 'English', code: 'en' },
    form: { errorsTitle: 'Vui lòng sửa các lỗi sau:', required: 'bắt buộc', optional: 'không bắt buộc' },
    error: {
      title: 'Có lỗi xảy ra',
      notFound: 'Không tìm thấy trang này.',
      back: 'Về trang chủ',
      server: 'Hệ thống đang gặp sự cố. Dữ liệu của bạn không bị mất; vui lòng thử lại sau ít phút.',
    },
    footer:
      'Xã Số — phần mềm nguồn mở cho chính quyền xã. Cần giúp đỡ? Hãy hỏi Tổ công nghệ số cộng đồng ở thôn, bản của bạn.',
  },
  en: {
    site: 'Xã Số',
    tagline: 'Your commune’s public services, on your phone',
    skip: 'Skip to main content',
    nav: {
      home: 'Home',
      places: 'Places',
      signIn: 'Staff sign-in',
      signInShort: 'Staff',
      citizen: 'Citizens',
      signOut: 'Sign out',
      admin: 'Admin',
      security: 'Security',
    },
    lang: { switch: 'Tiếng Việt', code: 'vi' },
    form: { errorsTitle: 'Please correct the following:', required: 'required', optional: 'optional' },
    error: {
      title: 'Something went wrong',
      notFound: 'This page was not found.',
      back: 'Back to the home page',
      server: 'The system has a problem. Nothing you entered was lost; please try again in a few minutes.',
    },
    footer:
      'Xã Số — open-source software for commune government. Need help? Ask your village’s community digital team.',
  },
});
