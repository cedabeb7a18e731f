import { addMessages } from '#platform/i18n/index.ts';

// Page text for the stages the national measure times (decision 023): refusing, asking the reporter
// for more information, each stage's deadline, and the figures page. Added to the `feedback`
// namespace beside feedback.messages.ts.

addMessages('feedback', {
  vi: {
    status: { awaiting_info: 'Chờ bổ sung thông tin' },
    actions: {
      refuse: 'Không tiếp nhận',
      request_info: 'Cơ quan đề nghị bổ sung thông tin',
      supplement: 'Người phản ánh bổ sung thông tin',
    },
    stage: {
      accept: 'Tiếp nhận hoặc từ chối',
      info: 'Đề nghị bổ sung thông tin',
      answer: 'Xử lý, trả lời',
      publish: 'Công khai kết quả',
    },
    stageDue: {
      accept: 'Hạn tiếp nhận',
      info: 'Hạn đề nghị bổ sung',
      answer: 'Hạn trả lời',
      publish: 'Hạn công khai',
    },
    verdict: {
      on_time: 'đúng hạn',
      late: 'trễ hạn',
      in_term: 'trong hạn',
      overdue: 'quá hạn',
    },
    stages: {
      title: 'Thời hạn từng bước',
      hint: 'Tính theo ngày làm việc trên lịch của tỉnh; một bước làm trong ngày hết hạn là đúng hạn.',
      stage: 'Bước',
      due: 'Hạn',
      done: 'Đã làm',
      verdict: 'Đánh giá',
    },
    refuse: {
      title: 'Không tiếp nhận (từ chối)',
      reason: 'Lý do (người phản ánh sẽ đọc)',
      submit: 'Từ chối tiếp nhận',
    },
    requestInfo: {
      title: 'Đề nghị người phản ánh bổ sung thông tin',
      question: 'Cần bổ sung thông tin gì',
      hint: 'Người phản ánh nhận tin nhắn. Khi họ bổ sung, thời hạn tiếp nhận và trả lời được tính lại từ đầu.',
      submit: 'Gửi đề nghị',
    },
    track: {
      asked: 'Cơ quan cần bạn bổ sung thông tin:',
      info: 'Thông tin bổ sung',
      infoSubmit: 'Gửi thông tin',
      refused: 'Phản ánh này không được tiếp nhận.',
      reason: 'Lý do:',
    },
    settings: {
      acceptDays: 'Hạn tiếp nhận hoặc từ chối (ngày làm việc)',
      infoDays: 'Hạn đề nghị bổ sung thông tin (ngày làm việc)',
      deadlineDays: 'Hạn xử lý, trả lời (ngày làm việc)',
      publishDays: 'Hạn công khai kết quả (ngày làm việc)',
      stagesHint:
        'Mặc định như Cổng Dịch vụ công quốc gia tính: 2 ngày làm việc để tiếp nhận hoặc từ chối, 5 ngày để đề nghị bổ sung thông tin, 15 ngày để xử lý, trả lời, 2 ngày để công khai kết quả.',
      stagesShort:
        'tiếp nhận {{accept}} · bổ sung {{info}} · trả lời {{answer}} · công khai {{publish}} ngày làm việc',
    },
    figures: {
      title: 'Thống kê phản ánh, kiến nghị',
      link: 'Thống kê đúng hạn',
      place: 'Mã địa bàn (xã, tỉnh)',
      from: 'Từ ngày',
      to: 'Đến ngày',
      show: 'Xem',
      received: 'Phản ánh nhận trong kỳ',
      stage: 'Bước',
      done: 'Đã làm trong kỳ',
      doneOnTime: 'trong đó đúng hạn',
      pending: 'Chưa làm cuối kỳ',
      pendingInTerm: 'trong đó còn hạn',
      share: 'Tỷ lệ đúng hạn',
      handledOnTime: 'Phản ánh xử lý đúng hạn (chỉ số 5.2, Quyết định 766/QĐ-TTg)',
      satisfied:
        'Phản ánh được tiếp nhận trong kỳ không bị đánh giá không hài lòng, mở lại hay trễ hạn (chỉ số 5.3)',
      of: '{{numerator}}/{{denominator}}',
      rules:
        'Cách tính: mỗi bước đúng hạn khi làm xong trước ngày làm việc kế tiếp sau ngày hết hạn; bước chưa làm vào cuối kỳ được tính là đúng hạn nếu còn trong hạn. Xem docs/rules.md, mục "Feedback".',
      none: '—',
    },
  },
  en: {
    status: { awaiting_info: 'Waiting for information' },
    actions: {
      refuse: 'Not accepted',
      request_info: 'More information asked for',
      supplement: 'Information added by the reporter',
    },
    stage: {
      accept: 'Accept or refuse',
      info: 'Ask for more information',
      answer: 'Handle and answer',
      publish: 'Publish the answer',
    },
    stageDue: {
      accept: 'Accept by',
      info: 'Ask for information by',
      answer: 'Answer due',
      publish: 'Publish by',
    },
    verdict: {
      on_time: 'on time',
      late: 'late',
      in_term: 'within term',
      overdue: 'overdue',
    },
    stages: {
      title: 'Deadline of each step',
      hint: 'Counted in working days on the province’s calendar; a step done on its last day is on time.',
      stage: 'Step',
      due: 'Due',
      done: 'Done',
      verdict: 'Verdict',
    },
    refuse: {
      title: 'Do not accept (refuse)',
      reason: 'Reason (the reporter will read it)',
      submit: 'Refuse',
    },
    requestInfo: {
      title: 'Ask the reporter for more information',
      question: 'What information is needed',
      hint: 'The reporter gets a message. When they add it, the deadlines to accept and to answer start again.',
      submit: 'Send the request',
    },
    track: {
      asked: 'The office needs more information from you:',
      info: 'Your information',
      infoSubmit: 'Send',
      refused: 'This report was not accepted.',
      reason: 'Reason:',
    },
    settings: {
      acceptDays: 'Deadline to accept or refuse (working days)',
      infoDays: 'Deadline to ask for more information (working days)',
      deadlineDays: 'Deadline to handle and answer (working days)',
      publishDays: 'Deadline to publish the answer (working days)',
      stagesHint:
        'Defaults as the national public service portal counts: 2 working days to accept or refuse, 5 to ask for more information, 15 to handle and answer, 2 to publish the answer.',
      stagesShort:
        'accept {{accept}} · information {{info}} · answer {{answer}} · publish {{publish}} working days',
    },
    figures: {
      title: 'Feedback figures',
      link: 'Timeliness figures',
      place: 'Place code (commune, province)',
      from: 'From',
      to: 'To',
      show: 'Show',
      received: 'Reports received in the period',
      stage: 'Step',
      done: 'Done in the period',
      doneOnTime: 'of which on time',
      pending: 'Not done at the end',
      pendingInTerm: 'of which within term',
      share: 'On-time share',
      handledOnTime: 'Feedback handled on time (indicator 5.2, Decision 766/QĐ-TTg)',
      satisfied: 'Reports accepted in the period not rated dissatisfied, reopened or late (indicator 5.3)',
      of: '{{numerator}}/{{denominator}}',
      rules:
        'How: a step is on time when done before the working day after its due day; a step not done at the end of the period counts as on time while still within its term. See docs/rules.md, "Feedback".',
      none: '—',
    },
  },
});
