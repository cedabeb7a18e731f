import { addMessages } from '#platform/i18n/index.ts';

addMessages('ratings', {
  vi: {
    title: 'Đánh giá – {{code}}',
    heading: 'Đánh giá mức độ hài lòng',
    dossier: 'Hồ sơ {{code}}: {{procedure}}',
    thanks: 'Cảm ơn ông/bà đã đánh giá: {{score}}.',
    rated: 'Người nộp hồ sơ đã đánh giá: {{score}}.',
    notRated: 'Người nộp hồ sơ chưa đánh giá.',
    later: 'Ông/bà đánh giá được sau khi nhận kết quả giải quyết hồ sơ.',
    question: 'Ông/bà hài lòng thế nào với việc giải quyết hồ sơ này?',
    comment: 'Góp ý (không bắt buộc)',
    send: 'Gửi đánh giá',
    score: { 4: 'Rất hài lòng', 3: 'Hài lòng', 2: 'Bình thường', 1: 'Không hài lòng' },
  },
  en: {
    title: 'Rating – {{code}}',
    heading: 'How satisfied are you?',
    dossier: 'Dossier {{code}}: {{procedure}}',
    thanks: 'Thank you for your rating: {{score}}.',
    rated: 'The applicant rated the service: {{score}}.',
    notRated: 'The applicant has not rated the service yet.',
    later: 'You can rate the service once you have received the result of your dossier.',
    question: 'How satisfied are you with how this dossier was handled?',
    comment: 'Comment (optional)',
    send: 'Send the rating',
    score: { 4: 'Very satisfied', 3: 'Satisfied', 2: 'Neutral', 1: 'Dissatisfied' },
  },
});
