import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareVietnamese, sortVietnamese } from './collation.ts';

describe('Vietnamese collation', () => {
  it('when names are sorted, then they follow the Vietnamese alphabet: Hà Nội before Huế, Đ after D, numbers by value', () => {
    const names = [
      'Huế',
      'Thôn 10',
      'Đồng Đăng',
      'Hà Nội',
      'Dương Minh Châu',
      'Ân Thi',
      'An Giang',
      'Thôn 9',
      'Bắc Ninh',
    ];
    assert.deepEqual([...names].sort(compareVietnamese), [
      'An Giang',
      'Ân Thi',
      'Bắc Ninh',
      'Dương Minh Châu',
      'Đồng Đăng',
      'Hà Nội',
      'Huế',
      'Thôn 9',
      'Thôn 10',
    ]);
    // What byte order (a database in the C locale) gives, for contrast.
    assert.deepEqual([...['Huế', 'Hà Nội']].sort(), ['Huế', 'Hà Nội']);
  });

  it('when objects are sorted by a name, then a sorted copy comes back and the input is left alone', () => {
    const input = [{ name: 'Mẫu Sơn' }, { name: 'Đồng Đăng' }, { name: 'Lộc Bình' }];
    const out = sortVietnamese(input, (p) => p.name);
    assert.deepEqual(
      out.map((p) => p.name),
      ['Đồng Đăng', 'Lộc Bình', 'Mẫu Sơn'],
    );
    assert.equal(input[0]?.name, 'Mẫu Sơn');
  });
});
