import { addMessages } from '#platform/i18n/index.ts';

/**
 * Page, chart and CSV labels; the CSV keeps its column names and figure keys in both languages.
 * `ind.<key>`: each Decision 766 sub-indicator's name and formula as the portal's formula
 * description words them (docs/rules.md § Statistics).
 */
addMessages('statistics', {
  vi: {
    title: 'Thống kê một cửa',
    heading: 'Thống kê một cửa điện tử',
    place: 'Mã địa bàn (xã, tỉnh)',
    from: 'Từ ngày',
    to: 'Đến ngày',
    show: 'Xem',
    csv: 'Tải CSV',
    figures: 'Số liệu chung',
    index: 'Chỉ số phục vụ (Quyết định 766/QĐ-TTg):',
    indexNote:
      'Tính như Cổng Dịch vụ công quốc gia tính (theo “Mô tả công thức tính chỉ số 766”). Tổng điểm chỉ cộng các chỉ số có số liệu; điểm làm tròn 2 chữ số khi hiển thị.',
    points: 'điểm',
    groupsChart: 'Điểm theo nhóm chỉ số',
    channelsChart: 'Hồ sơ tiếp nhận theo hình thức',
    noData: 'chưa có dữ liệu',
    notPublished: 'chưa công bố cách tính điểm',
    groupPoints: '{{points}} / {{max}} điểm có dữ liệu (tối đa {{weight}})',
    groupNoPoints: 'tối đa {{weight}} điểm: {{why}}',
    channel: { 1: 'Trực tiếp', 2: 'Trực tuyến', 3: 'Bưu chính công ích' },
    col: {
      id: 'Chỉ số',
      numerator: 'Tử số',
      denominator: 'Mẫu số',
      rate: 'Tỷ lệ',
      threshold: 'Ngưỡng đủ điểm',
      points: 'Điểm',
    },
    notMeasured: 'không đo',
    days: '{{n}} ngày',
    pointsOf: '{{points}} / {{max}}',
    shareOfMax: 'đạt {{share}} điểm tối đa',
    detail: {
      local:
        'tỷ lệ tại hệ thống {{local}} (đạt {{share}} điểm tối đa); tỷ lệ đồng bộ {{sync}}; trực tiếp {{direct}}, bưu chính {{postal}}',
      satisfaction: 'quá hạn {{overdue}}; có phản ánh, kiến nghị hoặc không hài lòng {{fault}}',
    },
    note: {
      sync: 'Hồ sơ đã đồng bộ đủ lên Cổng Dịch vụ công quốc gia (0 khi xã chưa bật đồng bộ).',
      vneid: '0 cho đến khi có đăng nhập bằng tài khoản VNeID.',
      outside:
        'Không đo được trên hệ thống này (số liệu của Cơ sở dữ liệu quốc gia về TTHC hoặc ngoài hệ thống).',
      local: 'Cổng tính trên danh mục của tỉnh; đây là số liệu tại chỗ.',
      unpublished: 'Cách chia 12 điểm của nhóm chưa được công bố: chỉ hiển thị tỷ lệ, không tính điểm.',
      tracking: 'Chỉ theo dõi, không tính điểm.',
      noFeedback: 'Không có phản ánh, kiến nghị: đủ điểm, như Cổng chấm.',
      noDossiers: 'Không có hồ sơ: 0 điểm, như Cổng chấm.',
      average: 'Số ngày trung bình, không phải tỷ lệ.',
    },
    ind: {
      '1_1': {
        name: 'Tỷ lệ TTHC công bố đúng hạn',
        formula:
          'TTHC có quyết định công bố trước ngày hiệu lực của văn bản pháp lý ít nhất 5 ngày làm việc ÷ TTHC công bố trong kỳ; 6 × tỷ lệ',
      },
      '1_2': {
        name: 'Tỷ lệ TTHC được cập nhật, công khai đúng hạn',
        formula:
          'TTHC công khai trên CSDL quốc gia trong 5 ngày làm việc sau quyết định công bố ÷ TTHC phải công khai trong kỳ; 4 × tỷ lệ',
      },
      '1_3': {
        name: 'Tỷ lệ TTHC công khai đầy đủ các bộ phận tạo thành',
        formula:
          'TTHC có đủ 7 bộ phận (tên, trình tự, cách thức, thành phần hồ sơ, thời hạn, đối tượng, cơ quan thực hiện) ÷ TTHC đang áp dụng; 2 × tỷ lệ',
      },
      '1_4': {
        name: 'Tỷ lệ hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia',
        formula: 'Hồ sơ tiếp nhận trong kỳ đã đồng bộ ÷ hồ sơ tiếp nhận trong kỳ; 6 × tỷ lệ',
      },
      '2_1': {
        name: 'Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn',
        formula:
          'Hồ sơ đã và đang xử lý trong hạn ÷ hồ sơ tiếp nhận, xử lý trong kỳ (từ chối, dừng, rút tính là đã kết thúc; yêu cầu bổ sung quá 1 lần tính quá hạn; trừ thời gian công dân bổ sung); 20 × tỷ lệ, không có ngưỡng',
      },
      '2_2': {
        name: 'Thời gian giải quyết trung bình',
        formula:
          'Tổng số ngày từ tiếp nhận đến giải quyết ÷ hồ sơ giải quyết trong kỳ (ngày lịch); không tính điểm',
      },
      toan_trinh: {
        name: 'Hồ sơ trực tuyến toàn trình trên hồ sơ của TTHC đủ điều kiện toàn trình',
        formula:
          'Hồ sơ nộp trực tuyến của TTHC toàn trình ÷ hồ sơ tiếp nhận của TTHC toàn trình (bảng METRICS giao 12 điểm của nhóm cho dòng này, không công bố công thức)',
      },
      '3_1': {
        name: 'Tỷ lệ TTHC cung cấp dịch vụ công trực tuyến',
        formula:
          'TTHC có dịch vụ trực tuyến toàn trình hoặc một phần ÷ TTHC đang áp dụng; đủ điểm từ 80 %, dưới đó tỷ lệ × điểm tối đa ÷ 80 %',
      },
      '3_2': {
        name: 'Tỷ lệ dịch vụ công trực tuyến có phát sinh hồ sơ',
        formula: 'Dịch vụ trực tuyến có hồ sơ nộp trực tuyến trong kỳ ÷ dịch vụ trực tuyến',
      },
      '3_3': {
        name: 'Tỷ lệ hồ sơ nộp trực tuyến',
        formula:
          'Hồ sơ nộp trực tuyến (có kết quả điện tử nếu TTHC trả kết quả bằng giấy) ÷ hồ sơ tiếp nhận × tỷ lệ đồng bộ; đủ điểm từ 50 %, dưới đó tỷ lệ × điểm tối đa ÷ 50 %',
      },
      '3_5': {
        name: 'TTHC có nghĩa vụ tài chính thanh toán trực tuyến được trên Cổng DVCQG',
        formula: 'TTHC có phí có dữ liệu phí, lệ phí đồng bộ lên Cổng ÷ TTHC có phí; đủ 2 điểm từ 80 %',
      },
      '3_5b': {
        name: 'TTHC có giao dịch thanh toán trực tuyến',
        formula:
          'TTHC có phí có ít nhất 1 hồ sơ thanh toán trực tuyến trong kỳ ÷ TTHC có phí; đủ 2 điểm từ 80 %',
      },
      '3_6': {
        name: 'Tỷ lệ hồ sơ thanh toán trực tuyến',
        formula:
          'Hồ sơ thanh toán trực tuyến ÷ (hồ sơ của TTHC có phí − hồ sơ có mọi khoản phí bằng 0); 6 × tỷ lệ, không có ngưỡng',
      },
      '5_1': {
        name: 'Tỷ lệ phản ánh, kiến nghị theo phân loại',
        formula: 'PAKN đã tiếp nhận về quy định, thủ tục hoặc hành vi cán bộ ÷ PAKN trong kỳ; chỉ theo dõi',
      },
      '5_2': {
        name: 'Tiến độ xử lý phản ánh, kiến nghị',
        formula:
          '(PAKN xử lý đúng hạn + đang xử lý trong hạn) ÷ PAKN tiếp nhận, xử lý trong kỳ; từ chối ≤ 2, yêu cầu bổ sung ≤ 5, trả lời ≤ 15, công khai ≤ 2 ngày làm việc theo lịch của tỉnh; 6 × tỷ lệ',
      },
      '5_3': {
        name: 'Tỷ lệ hài lòng trong xử lý phản ánh, kiến nghị',
        formula:
          '(PAKN − PAKN bị đánh giá không hài lòng, phản ánh lại hoặc quá hạn) ÷ PAKN tiếp nhận lần đầu trong kỳ; 6 × tỷ lệ',
      },
      '5_4': {
        name: 'Tỷ lệ hài lòng trong tiếp nhận, giải quyết TTHC',
        formula:
          '100 % − (tỷ lệ hồ sơ quá hạn + tỷ lệ hồ sơ có phản ánh, kiến nghị hoặc đánh giá không hài lòng); đủ 6 điểm từ 90 %, dưới đó tỷ lệ × 6 ÷ 90 %',
      },
      '4_1': {
        name: 'Tỷ lệ hồ sơ có kết quả giải quyết điện tử',
        formula:
          'Hồ sơ có kết quả điện tử ÷ hồ sơ đã giải quyết của TTHC trả kết quả bằng giấy tờ; 6 × tỷ lệ',
      },
      '4_2': {
        name: 'Tỷ lệ hồ sơ thực hiện số hóa hồ sơ, kết quả',
        formula:
          'Hồ sơ có tệp thành phần hồ sơ và (nếu kết quả là giấy tờ) kết quả điện tử ÷ hồ sơ đã giải quyết; 4 × tỷ lệ (như Cổng chấm)',
      },
      chung_thuc: {
        name: 'Cung cấp dịch vụ chứng thực bản sao điện tử từ bản chính',
        formula: 'Xã cung cấp dịch vụ ÷ số xã; 2 × tỷ lệ',
      },
      '4_3': {
        name: 'Tỷ lệ hồ sơ khai thác, sử dụng lại dữ liệu số hóa',
        formula:
          'Hồ sơ có ít nhất 1 thành phần tái sử dụng dữ liệu số hóa ÷ hồ sơ tiếp nhận; đủ 2 điểm từ 80 %',
      },
      '4_4': {
        name: 'Hồ sơ số hóa kết nối, chia sẻ với kho dữ liệu cá nhân trên Cổng DVCQG',
        formula:
          'Hồ sơ có thành phần lấy từ kho dữ liệu cá nhân hoặc kết quả đưa vào kho ÷ hồ sơ tiếp nhận; 4 × tỷ lệ',
      },
      '4_5b': {
        name: 'Tỷ lệ hồ sơ sử dụng thông tin từ CSDL quốc gia về dân cư',
        formula:
          'Hồ sơ nộp bằng tài khoản xác thực VNeID hoặc dùng dữ liệu dân cư ÷ hồ sơ tiếp nhận; 2 × tỷ lệ',
      },
      '4_5a': {
        name: 'Tỷ lệ TTHC kết nối, chia sẻ dữ liệu dân cư',
        formula: 'TTHC có hồ sơ như trên ÷ TTHC đang áp dụng; 2 × tỷ lệ',
      },
    },
    figure: {
      received: 'Hồ sơ tiếp nhận',
      byChannel: '– trực tiếp / trực tuyến / bưu chính',
      decided: 'Hồ sơ đã giải quyết',
      byTimeliness: '– trước hạn / đúng hạn / quá hạn',
      onTimeRate: 'Tỷ lệ giải quyết trước và đúng hạn',
      overdueOpen: 'Hồ sơ đang quá hạn',
      avgDays: 'Số ngày giải quyết trung bình (ngày lịch)',
    },
    group: {
      transparency: 'Công khai, minh bạch',
      timeliness: 'Tiến độ, kết quả giải quyết',
      online: 'Dịch vụ công trực tuyến',
      payment: 'Thanh toán trực tuyến',
      satisfaction: 'Mức độ hài lòng',
      digitisation: 'Số hóa hồ sơ, kết quả',
    },
    csvRow: {
      received1: 'Tiếp nhận trực tiếp',
      received2: 'Tiếp nhận trực tuyến',
      received3: 'Tiếp nhận qua bưu chính công ích',
      early: 'Giải quyết trước hạn',
      onTime: 'Giải quyết đúng hạn',
      late: 'Giải quyết quá hạn',
      percent: '{{name}} (%)',
      indicator: '{{id}} {{name}} (%)',
      indicatorDays: '{{id}} {{name}} (ngày)',
      group: 'Điểm: {{name}} (tối đa {{weight}})',
      total: 'Tổng điểm (trên {{max}} điểm có dữ liệu)',
    },
  },
  en: {
    title: 'One-stop statistics',
    heading: 'Electronic one-stop shop statistics',
    place: 'Place code (commune, province)',
    from: 'From',
    to: 'To',
    show: 'Show',
    csv: 'Download CSV',
    figures: 'General figures',
    index: 'Service index (Decision 766/QĐ-TTg):',
    indexNote:
      'Computed as the National Public Service Portal computes it (its description of the 766 formulas). The total adds only the sub-indicators with data; points are rounded to 2 decimals when shown.',
    points: 'points',
    groupsChart: 'Points by indicator group',
    channelsChart: 'Dossiers received by channel',
    noData: 'no data yet',
    notPublished: 'points not published',
    groupPoints: '{{points}} / {{max}} points with data (out of {{weight}})',
    groupNoPoints: 'out of {{weight}} points: {{why}}',
    channel: { 1: 'In person', 2: 'Online', 3: 'Public postal service' },
    col: {
      id: 'Indicator',
      numerator: 'Numerator',
      denominator: 'Denominator',
      rate: 'Rate',
      threshold: 'Full points from',
      points: 'Points',
    },
    notMeasured: 'not measured',
    days: '{{n}} days',
    pointsOf: '{{points}} / {{max}}',
    shareOfMax: '{{share}} of the maximum',
    detail: {
      local:
        'rate on this platform {{local}} ({{share}} of the maximum); sync rate {{sync}}; in person {{direct}}, by post {{postal}}',
      satisfaction: 'overdue {{overdue}}; with a complaint or a dislike {{fault}}',
    },
    note: {
      sync: 'Dossiers fully synced to the National Public Service Portal (0 where the commune has sync off).',
      vneid: '0 until people can sign in with a VNeID account.',
      outside:
        'Not measured on this platform (figures of the national procedure database, or outside the platform).',
      local: "The portal computes it on the province's catalogue; this is a local mirror.",
      unpublished: "How the group's 12 points are shared is not published: rates only, no points.",
      tracking: 'Tracking only, no points.',
      noFeedback: 'No feedback: full points, as the portal scores it.',
      noDossiers: 'No dossiers: 0 points, as the portal scores it.',
      average: 'Average days, not a rate.',
    },
    ind: {
      '1_1': {
        name: 'Procedures published on time',
        formula:
          'Procedures whose publication decision came at least 5 working days before their legal basis took effect ÷ procedures published in the period; 6 × rate',
      },
      '1_2': {
        name: 'Procedures updated and made public on time',
        formula:
          'Procedures made public in the national database within 5 working days of their publication decision ÷ procedures to publish in the period; 4 × rate',
      },
      '1_3': {
        name: 'Procedures published with all their parts',
        formula:
          'Procedures with all 7 parts (name, steps, channels, documents, time limit, who applies, agency) ÷ procedures applied; 2 × rate',
      },
      '1_4': {
        name: 'Dossiers synced to the National Public Service Portal',
        formula: 'Dossiers received in the period and synced ÷ dossiers received in the period; 6 × rate',
      },
      '2_1': {
        name: 'Dossiers handled early or on time',
        formula:
          'Dossiers handled, or still being handled, within term ÷ dossiers received or handled in the period (refused, stopped and withdrawn count as finished; more than one supplement request counts late; the time the citizen took to supplement is left out); 20 × rate, no threshold',
      },
      '2_2': {
        name: 'Average handling time',
        formula:
          'Total days from receipt to decision ÷ dossiers decided in the period (calendar days); no points',
      },
      toan_trinh: {
        name: 'Fully online dossiers among dossiers of procedures eligible for full online service',
        formula:
          "Dossiers filed online under fully online procedures ÷ dossiers received under them (the METRICS sheet gives the group's 12 points to this row, with no published formula)",
      },
      '3_1': {
        name: 'Procedures offered online',
        formula:
          'Procedures with a full or partial online service ÷ procedures applied; full points from 80 %, below that rate × maximum ÷ 80 %',
      },
      '3_2': {
        name: 'Online services that received dossiers',
        formula: 'Online services with a dossier filed online in the period ÷ online services',
      },
      '3_3': {
        name: 'Share of dossiers filed online',
        formula:
          'Dossiers filed online (with an electronic result where the result is a paper) ÷ dossiers received × the sync rate; full points from 50 %, below that rate × maximum ÷ 50 %',
      },
      '3_5': {
        name: 'Procedures with fees payable online on the national portal',
        formula:
          'Fee procedures whose fee data reached the portal ÷ fee procedures; 2 points, full from 80 %',
      },
      '3_5b': {
        name: 'Procedures with an online payment',
        formula:
          'Fee procedures with at least one dossier paid online in the period ÷ fee procedures; 2 points, full from 80 %',
      },
      '3_6': {
        name: 'Dossiers paid online',
        formula:
          'Dossiers paid online ÷ (dossiers of fee procedures − dossiers whose every fee is 0); 6 × rate, no threshold',
      },
      '5_1': {
        name: 'Feedback by class',
        formula:
          "Feedback accepted about rules and procedures or officials' behaviour ÷ feedback in the period; tracking only",
      },
      '5_2': {
        name: 'Feedback handled on time',
        formula:
          "(Feedback handled on time + pending within term) ÷ feedback received or handled in the period; refuse ≤ 2, ask for more ≤ 5, answer ≤ 15, publish ≤ 2 working days on the province's calendar; 6 × rate",
      },
      '5_3': {
        name: 'Satisfaction with feedback handling',
        formula: '(Feedback − disliked, reopened or late) ÷ feedback first accepted in the period; 6 × rate',
      },
      '5_4': {
        name: 'Satisfaction in receiving and handling dossiers',
        formula:
          '100 % − (share overdue + share with a complaint or a dislike); 6 points from 90 %, below that rate × 6 ÷ 90 %',
      },
      '4_1': {
        name: 'Dossiers with an electronic result',
        formula:
          'Dossiers with an electronic result ÷ decided dossiers of procedures whose result is a paper; 6 × rate',
      },
      '4_2': {
        name: 'Dossiers digitised (components and result)',
        formula:
          'Dossiers with component files and (where the result is a paper) an electronic result ÷ decided dossiers; 4 × rate (as the portal scores it)',
      },
      chung_thuc: {
        name: 'Electronic certified copies from originals offered',
        formula: 'Communes offering it ÷ communes; 2 × rate',
      },
      '4_3': {
        name: 'Dossiers reusing digitised data',
        formula:
          'Dossiers with at least one component reusing digitised data ÷ dossiers received; 2 points, full from 80 %',
      },
      '4_4': {
        name: "Digitised dossiers linked to the citizen's store on the national portal",
        formula:
          "Dossiers with a component from, or a result pushed to, the citizen's store ÷ dossiers received; 4 × rate",
      },
      '4_5b': {
        name: 'Dossiers using population data',
        formula:
          'Dossiers filed with a VNeID-verified account or population data ÷ dossiers received; 2 × rate',
      },
      '4_5a': {
        name: 'Procedures connected to population data',
        formula: 'Procedures with such a dossier ÷ procedures applied; 2 × rate',
      },
    },
    figure: {
      received: 'Dossiers received',
      byChannel: '– in person / online / by post',
      decided: 'Dossiers decided',
      byTimeliness: '– early / on time / late',
      onTimeRate: 'Share decided early or on time',
      overdueOpen: 'Dossiers now overdue',
      avgDays: 'Average processing time (calendar days)',
    },
    group: {
      transparency: 'Transparency',
      timeliness: 'Timeliness and results',
      online: 'Online public services',
      payment: 'Online payment',
      satisfaction: 'Satisfaction',
      digitisation: 'Digitisation of dossiers and results',
    },
    csvRow: {
      received1: 'Received in person',
      received2: 'Received online',
      received3: 'Received by public postal service',
      early: 'Decided early',
      onTime: 'Decided on time',
      late: 'Decided late',
      percent: '{{name}} (%)',
      indicator: '{{id}} {{name}} (%)',
      indicatorDays: '{{id}} {{name}} (days)',
      group: 'Points: {{name}} (out of {{weight}})',
      total: 'Total points (out of the {{max}} with data)',
    },
  },
});
