/**
 * Vietnamese alphabetical order for lists people read: the alphabet's own order (a ă â b c d đ e ê …),
 * base letters before tone marks, case ignored. A database's byte order puts every accented or Đ name
 * after z ("Huế" before "Hà Nội", "Đồng Đăng" last), whatever its locale on another server.
 */
const VIETNAMESE = new Intl.Collator('vi', { sensitivity: 'variant', numeric: true });

export function compareVietnamese(a: string, b: string): number {
  return VIETNAMESE.compare(a, b);
}

/** A copy of `items` in Vietnamese order of `key`. */
export function sortVietnamese<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...items].sort((x, y) => VIETNAMESE.compare(key(x), key(y)));
}
