/**
 * The project's own errors. Services throw these; one handler in app/ maps them to HTTP status
 * codes and problem+json (RFC 9457). Nothing below a route knows about HTTP.
 */
export interface Bilingual {
  vi: string;
  en: string;
}

export interface FieldError extends Bilingual {
  field: string;
}

export class AppError extends Error {
  constructor(
    public readonly status: number,
    public readonly kind: string,
    public readonly detail: Bilingual,
  ) {
    super(detail.en);
  }
}

export class NotFound extends AppError {
  constructor(detail: Bilingual = { vi: 'Không tìm thấy.', en: 'Not found.' }) {
    super(404, 'not-found', detail);
  }
}

export class Unauthorized extends AppError {
  constructor(detail: Bilingual = { vi: 'Vui lòng đăng nhập.', en: 'Please sign in.' }) {
    super(401, 'unauthorized', detail);
  }
}

export class Forbidden extends AppError {
  constructor(
    detail: Bilingual = { vi: 'Bạn không có quyền làm việc này.', en: 'You are not allowed to do this.' },
  ) {
    super(403, 'forbidden', detail);
  }
}

export class Conflict extends AppError {
  constructor(detail: Bilingual) {
    super(409, 'conflict', detail);
  }
}

/** The database cannot be reached for a moment (a restart, a failover): the client should retry. */
export class ServiceUnavailable extends AppError {
  constructor(public readonly retryAfterSeconds: number) {
    super(503, 'unavailable', {
      vi: 'Hệ thống tạm thời không kết nối được cơ sở dữ liệu. Yêu cầu này có thể chưa được ghi; vui lòng gửi lại sau ít giây.',
      en: 'The system cannot reach its database for a moment. This request may not have been recorded; please send it again in a few seconds.',
    });
  }
}

export class TooManyRequests extends AppError {
  constructor(
    public readonly retryAfterSeconds: number,
    detail: Bilingual = {
      vi: 'Bạn thao tác quá nhiều lần. Vui lòng thử lại sau.',
      en: 'Too many attempts. Please try again later.',
    },
  ) {
    super(429, 'too-many-requests', detail);
  }
}

export class Invalid extends AppError {
  constructor(
    public readonly fields: FieldError[],
    detail: Bilingual = {
      vi: 'Thông tin chưa hợp lệ, vui lòng kiểm tra lại.',
      en: 'Some information is not valid; please check it.',
    },
  ) {
    super(400, 'invalid', detail);
  }
}
