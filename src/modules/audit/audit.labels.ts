/**
 * What each recorded action and target is called, in words an official reads. The keys are the
 * `action:` values modules pass to `recordAudit`; `audit.labels.test.ts` scans the source and fails
 * when one has no label here, so the list stays complete.
 */
type Words = { vi: string; en: string };
const w = (vi: string, en: string): Words => ({ vi, en });

export const ACTION_LABELS: Record<string, Words> = {
  // identity
  'identity.signin': w('Đăng nhập', 'Signed in'),
  'identity.signin.failed': w('Đăng nhập không thành công', 'Failed sign-in'),
  'identity.token.issued': w('Cấp mã truy cập API', 'API token issued'),
  'identity.citizen.signin': w('Công dân đăng nhập', 'Citizen signed in'),
  'identity.totp.enabled': w('Bật xác thực hai lớp', 'Two-step verification turned on'),
  'identity.user.create': w('Tạo tài khoản', 'Account created'),
  'identity.grant.add': w('Giao quyền', 'Role granted'),
  'identity.grant.revoke': w('Thu hồi quyền', 'Role revoked'),
  // places
  'places.village.add': w('Thêm thôn, bản', 'Village added'),
  'places.village.import': w('Nhập danh sách thôn, bản', 'Villages imported'),
  'places.village.centre': w('Đặt vị trí trung tâm thôn, bản', 'Village centre set'),
  // field kit (community digital teams)
  'fieldkit.assisted.file': w(
    'Tổ công nghệ số nộp hồ sơ giúp người dân',
    'Dossier filed for a resident by the digital team',
  ),
  'fieldkit.checklist.save': w('Lưu danh mục việc cần hỏi khi thăm hộ', 'Visit checklist saved'),
  'fieldkit.household.create': w('Thêm hộ gia đình', 'Household added'),
  'fieldkit.household.update': w('Sửa thông tin hộ gia đình', 'Household updated'),
  'fieldkit.household.delete': w('Xoá hộ gia đình', 'Household removed'),
  'fieldkit.household.import': w('Nhập sổ hộ gia đình', 'Household register imported'),
  'fieldkit.conflict.resolve': w('Giải quyết xung đột dữ liệu hộ', 'Household conflict resolved'),
  // procedures
  'procedures.create': w('Thêm thủ tục', 'Procedure added'),
  'procedures.update': w('Sửa thủ tục', 'Procedure updated'),
  'procedures.verify': w('Xác nhận thủ tục', 'Procedure verified'),
  'procedures.unverify': w('Bỏ xác nhận thủ tục', 'Procedure verification withdrawn'),
  'procedures.import': w('Nhập danh mục thủ tục', 'Procedure catalogue imported'),
  // dossiers and calendar
  'dossiers.unit-settings.set': w('Đặt ngưỡng sắp đến hạn', 'At-risk window set'),
  'dossiers.sms-template.save': w('Sửa mẫu tin nhắn hồ sơ', 'Dossier SMS text saved'),
  'dossiers.agency-code.set': w('Đặt mã định danh đơn vị', 'Agency code set'),
  'dossiers.calendar.override': w('Điều chỉnh lịch ngày nghỉ', 'Days off adjusted'),
  // documents
  'documents.result.sign': w('Ký số kết quả', 'Result signed'),
  'documents.template.save': w('Sửa mẫu giấy tờ', 'Document template saved'),
  // payments
  'payments.confirm': w('Xác nhận đã thu phí', 'Payment confirmed'),
  'payments.statement.import': w('Nhập sao kê ngân hàng', 'Bank statement imported'),
  'payments.account.set': w('Đặt tài khoản nhận tiền', 'Receiving account set'),
  'payments.account.remove': w('Gỡ tài khoản nhận tiền', 'Receiving account removed'),
  'payments.receipt-series.set': w('Đặt ký hiệu biên lai', 'Receipt series set'),
  // feedback: the handler's steps (`feedback.${type}`) and the settings
  'feedback.counter': w('Ghi phản ánh tại quầy', 'Feedback recorded at the desk'),
  'feedback.acknowledge': w('Tiếp nhận phản ánh', 'Feedback acknowledged'),
  'feedback.refuse': w('Từ chối phản ánh', 'Feedback refused'),
  'feedback.request_info': w('Đề nghị bổ sung thông tin', 'More information requested'),
  'feedback.assign': w('Giao xử lý phản ánh', 'Feedback assigned'),
  'feedback.note': w('Ghi chú nội bộ', 'Internal note'),
  'feedback.reply': w('Trả lời phản ánh', 'Feedback answered'),
  'feedback.merge': w('Gộp phản ánh trùng', 'Feedback merged'),
  'feedback.publish': w('Công khai phản ánh', 'Feedback published'),
  'feedback.close': w('Đóng phản ánh', 'Feedback closed'),
  'feedback.reopen': w('Mở lại phản ánh', 'Feedback reopened'),
  'feedback.category.create': w('Thêm lĩnh vực phản ánh', 'Feedback category added'),
  'feedback.category.update': w('Sửa lĩnh vực phản ánh', 'Feedback category updated'),
  'feedback.apikey.create': w('Cấp khoá API phản ánh', 'Feedback API key issued'),
  'feedback.apikey.revoke': w('Thu hồi khoá API phản ánh', 'Feedback API key revoked'),
  'feedback.contact.add': w('Thêm người nhận thông báo', 'Notification contact added'),
  'feedback.contact.remove': w('Gỡ người nhận thông báo', 'Notification contact removed'),
  // broadcast
  'broadcast.emergency': w('Phát cảnh báo khẩn cấp', 'Emergency alert sent'),
  'broadcast.alert.cancel': w('Huỷ cảnh báo', 'Alert cancelled'),
  'broadcast.cap.ingest': w('Nhận cảnh báo từ cơ quan cấp trên', 'Official alert received'),
  'broadcast.cap.places': w('Chọn nơi phát cảnh báo', 'Alert places chosen'),
  'broadcast.cluster.register': w('Đăng ký cụm loa', 'Speaker group registered'),
  'broadcast.cluster.update': w('Sửa cụm loa', 'Speaker group updated'),
  'broadcast.cluster.reset-password': w('Đặt lại mật khẩu cụm loa', 'Speaker group password reset'),
  'broadcast.bulletin.create': w('Soạn bản tin', 'Bulletin drafted'),
  'broadcast.bulletin.edit': w('Sửa bản tin', 'Bulletin edited'),
  'broadcast.bulletin.submit': w('Trình duyệt bản tin', 'Bulletin submitted'),
  'broadcast.bulletin.approve': w('Duyệt bản tin', 'Bulletin approved'),
  'broadcast.bulletin.reject': w('Trả lại bản tin', 'Bulletin rejected'),
  'broadcast.bulletin.withdraw': w('Rút bản tin', 'Bulletin withdrawn'),
  'broadcast.bulletin.broadcast': w('Phát bản tin', 'Bulletin broadcast'),
  'broadcast.programme.create': w('Tạo chương trình phát thanh', 'Programme created'),
  'broadcast.programme.clusters': w('Chọn cụm loa cho chương trình', 'Programme speakers chosen'),
  'broadcast.schedule.add': w('Thêm lịch phát', 'Broadcast scheduled'),
  'broadcast.schedule.cancel': w('Huỷ lịch phát', 'Broadcast cancelled'),
  // national portal (Cổng Dịch vụ công quốc gia) synchronisation
  'dvcqg.place.set': w('Đặt mã đơn vị trên Cổng Dịch vụ công quốc gia', 'National portal unit code set'),
  'dvcqg.resend': w('Gửi lại hồ sơ lên Cổng Dịch vụ công quốc gia', 'Dossier resent to the national portal'),
  'dvcqg.status-map.set': w(
    'Đặt bảng đối chiếu trạng thái với Cổng quốc gia',
    'National portal status mapping set',
  ),
  'dvcqg.procedure-map.confirm': w(
    'Xác nhận mã thủ tục trên Cổng quốc gia',
    'National procedure code confirmed',
  ),
  'dvcqg.procedure-map.remove': w('Gỡ mã thủ tục trên Cổng quốc gia', 'National procedure code removed'),
  'dvcqg.catalogue.import': w('Nhập danh mục thủ tục từ Cổng quốc gia', 'National catalogue imported'),
  'dvcqg.catalogue.reject': w(
    'Bỏ qua khác biệt với danh mục quốc gia',
    'National catalogue difference rejected',
  ),
  // indicators
  'indicators.element.save': w('Lưu chỉ tiêu thu thập', 'Data element saved'),
  'indicators.indicator.save': w('Lưu chỉ số', 'Indicator saved'),
  'indicators.data_set.save': w('Lưu biểu báo cáo', 'Data set saved'),
  'indicators.model.import': w('Nhập bộ chỉ tiêu', 'Indicator model imported'),
  'indicators.values.save': w('Nhập số liệu báo cáo', 'Report values saved'),
  'indicators.report.submit': w('Gửi báo cáo', 'Report submitted'),
  'indicators.report.approve': w('Duyệt báo cáo', 'Report approved'),
  'indicators.report.return': w('Trả lại báo cáo', 'Report returned'),
  'indicators.report.reopen': w('Mở lại báo cáo', 'Report reopened'),
};

/**
 * Actions whose key is built from a value (`feedback.${cmd.type}`): the template as written in the
 * source, and every value it takes (from the caller's type). The test checks each expansion has a
 * label and that no template in the source is missing here.
 */
export const ACTION_FAMILIES: Record<string, readonly string[]> = {
  'feedback.${cmd.type}': [
    'acknowledge',
    'refuse',
    'request_info',
    'assign',
    'note',
    'reply',
    'merge',
    'publish',
    'close',
    'reopen',
  ],
  'broadcast.bulletin.${type}': ['edit', 'submit', 'approve', 'reject', 'withdraw', 'broadcast'],
  'indicators.${kind}.save': ['element', 'indicator', 'data_set'],
  'indicators.report.${action}': ['submit', 'approve', 'return', 'reopen'],
};

/** The dossier workflow's steps, as the audit log shows them (source `dossier`, read from `dossier_action_facts`). */
export const DOSSIER_STEP_LABELS: Record<string, Words> = {
  submit: w('Nộp hồ sơ', 'Dossier filed'),
  receive: w('Tiếp nhận hồ sơ', 'Dossier received'),
  refuse: w('Từ chối tiếp nhận', 'Dossier refused'),
  request_supplement: w('Yêu cầu bổ sung', 'Supplement requested'),
  supplement_received: w('Nhận hồ sơ bổ sung', 'Supplement received'),
  assign: w('Phân công xử lý', 'Dossier assigned'),
  forward: w('Chuyển xử lý', 'Dossier forwarded'),
  submit_for_approval: w('Trình phê duyệt', 'Sent for approval'),
  approve: w('Phê duyệt', 'Approved'),
  reject: w('Không phê duyệt', 'Not approved'),
  result_ready: w('Có kết quả', 'Result ready'),
  result_returned: w('Trả kết quả', 'Result handed over'),
  withdraw: w('Rút hồ sơ', 'Dossier withdrawn'),
  stop: w('Dừng xử lý', 'Processing stopped'),
  overdue: w('Quá hạn', 'Overdue'),
  extension_drafted: w('Dự thảo gia hạn', 'Extension drafted'),
  extension_approved: w('Duyệt gia hạn', 'Extension approved'),
  extension_declined: w('Không duyệt gia hạn', 'Extension declined'),
  financial_obligation_notified: w('Thông báo nghĩa vụ tài chính', 'Financial obligation notified'),
  financial_obligation_paid: w('Đã thực hiện nghĩa vụ tài chính', 'Financial obligation met'),
  payment_requested: w('Yêu cầu nộp phí', 'Fee requested'),
  payment_received: w('Đã nộp phí', 'Fee paid'),
};

/** Prefix of the action filter's values for dossier steps (`dossier:receive`). */
export const DOSSIER_PREFIX = 'dossier:';

export function actionLabel(action: string, locale: 'vi' | 'en'): string {
  if (action.startsWith(DOSSIER_PREFIX)) {
    const step = DOSSIER_STEP_LABELS[action.slice(DOSSIER_PREFIX.length)];
    return step ? step[locale] : action;
  }
  return ACTION_LABELS[action]?.[locale] ?? action;
}

const TARGETS: Record<string, Words> = {
  dossier: w('hồ sơ', 'dossier'),
  feedback: w('phản ánh', 'feedback'),
  user: w('tài khoản', 'account'),
  citizen: w('công dân', 'citizen'),
  place: w('địa bàn', 'place'),
  procedure: w('thủ tục', 'procedure'),
  'sms-template': w('mẫu tin nhắn', 'SMS text'),
  'calendar-year': w('lịch năm', 'calendar of'),
  'bank-statement': w('sao kê', 'bank statement'),
  broadcast_alert: w('cảnh báo', 'alert'),
  broadcast_bulletin: w('bản tin', 'bulletin'),
  broadcast_cluster: w('cụm loa', 'speaker group'),
  broadcast_programme: w('chương trình', 'programme'),
  broadcast_schedule_entry: w('lịch phát', 'scheduled broadcast'),
  feedback_api_key: w('khoá API', 'API key'),
  feedback_category: w('lĩnh vực', 'category'),
  feedback_contact: w('người nhận', 'contact'),
  indicator_model: w('bộ chỉ tiêu', 'indicator model'),
  'status-map': w('trạng thái', 'status'),
  catalogue: w('danh mục', 'catalogue'),
  household: w('hộ', 'household'),
  checklist: w('danh mục thăm hộ', 'visit checklist'),
  indicator_report: w('báo cáo', 'report'),
  indicator_element: w('chỉ tiêu', 'data element'),
  indicator_indicator: w('chỉ số', 'indicator'),
  indicator_data_set: w('biểu báo cáo', 'data set'),
};

/**
 * The target in words: "hồ sơ 20.06541-261120-0001", "phản ánh PA-…", "tài khoản can_bo_a". A
 * code or a username from the entry's details reads better than a row id, when the writer kept one.
 */
export function targetLabel(
  e: { targetType: string | null; targetId: string | null; details?: Record<string, unknown> },
  locale: 'vi' | 'en',
): string {
  if (!e.targetType) return '';
  const noun = TARGETS[e.targetType]?.[locale] ?? e.targetType;
  const d = e.details ?? {};
  const named = typeof d.code === 'string' ? d.code : typeof d.username === 'string' ? d.username : null;
  const id = named ?? (e.targetId === null ? '' : /^\d+$/.test(e.targetId) ? `#${e.targetId}` : e.targetId);
  return `${noun} ${id}`.trim();
}
