/**
 * Abbreviations expanded before speech. An entry is here only if it is *safe*: written this way it
 * cannot be a Vietnamese syllable or an ordinary word in capitals, and in commune bulletins it has
 * one meaning. Matching is case-sensitive and on whole words, so "ubnd" or "UBNDX" stay as written.
 *
 * Left out on purpose, because one spelling has several common meanings (README lists them too):
 * TP / Tp (thành phố, thực phẩm, thành phần), Q. / q. (quận, abolished in 2025; quyết), P. (phường,
 * phòng, phó), TX (thị xã, thường xuyên), TT (thị trấn, thông tư, trung tâm, thông tin), ĐT (điện
 * thoại, đường tỉnh, đầu tư, đào tạo), BCH (ban chấp hành, ban chỉ huy), MN (mầm non, miền núi, miền
 * Nam), TH (tiểu học, trường hợp), CT (chủ tịch, chỉ thị, công ty), KH (kế hoạch, khách hàng, khoa
 * học), HS (học sinh, hồ sơ), GĐ (giám đốc, gia đình, giai đoạn), TS / ThS / BS (titles; BS is also
 * "bổ sung").
 */
export const ABBREVIATIONS: ReadonlyArray<readonly [written: string, spoken: string]> = [
  ['UBND', 'Ủy ban nhân dân'],
  ['HĐND', 'Hội đồng nhân dân'],
  ['UBMTTQVN', 'Ủy ban Mặt trận Tổ quốc Việt Nam'],
  ['UBMTTQ', 'Ủy ban Mặt trận Tổ quốc'],
  ['MTTQVN', 'Mặt trận Tổ quốc Việt Nam'],
  ['MTTQ', 'Mặt trận Tổ quốc'],
  ['TTHC', 'thủ tục hành chính'],
  ['CCCD', 'căn cước công dân'],
  ['CMND', 'chứng minh nhân dân'],
  ['BHYT', 'bảo hiểm y tế'],
  ['BHXH', 'bảo hiểm xã hội'],
  ['THCS', 'trung học cơ sở'],
  ['THPT', 'trung học phổ thông'],
  ['PCCC', 'phòng cháy chữa cháy'],
  ['PCTT', 'phòng chống thiên tai'],
  ['TKCN', 'tìm kiếm cứu nạn'],
  ['ATGT', 'an toàn giao thông'],
  ['ANTT', 'an ninh trật tự'],
  ['ATVSTP', 'an toàn vệ sinh thực phẩm'],
  ['ATTP', 'an toàn thực phẩm'],
  ['CSGT', 'cảnh sát giao thông'],
  ['CAND', 'Công an nhân dân'],
  ['QĐND', 'Quân đội nhân dân'],
  ['HTX', 'hợp tác xã'],
  ['TDP', 'tổ dân phố'],
  ['XDNTM', 'xây dựng nông thôn mới'],
  ['NTM', 'nông thôn mới'],
  ['GPMB', 'giải phóng mặt bằng'],
  ['SXKD', 'sản xuất kinh doanh'],
  ['CNTT', 'công nghệ thông tin'],
  ['KTTV', 'khí tượng thủy văn'],
  ['DTLCP', 'dịch tả lợn châu Phi'],
  ['LMLM', 'lở mồm long móng'],
  ['ĐBQH', 'đại biểu Quốc hội'],
  ['HLHPN', 'Hội Liên hiệp Phụ nữ'],
  ['CCB', 'Cựu chiến binh'],
  ['BCĐ', 'Ban Chỉ đạo'],
  ['BQL', 'Ban Quản lý'],
  ['SĐT', 'số điện thoại'],
  ['DVCQG', 'dịch vụ công quốc gia'],
  ['DVC', 'dịch vụ công'],
  ['CHXHCNVN', 'Cộng hòa xã hội chủ nghĩa Việt Nam'],
  ['CHXHCN', 'Cộng hòa xã hội chủ nghĩa'],
  ['TW', 'Trung ương'],
  ['VN', 'Việt Nam'],
  ['KT-XH', 'kinh tế xã hội'],
  ['NN&PTNT', 'nông nghiệp và phát triển nông thôn'],
  ['NN và PTNT', 'nông nghiệp và phát triển nông thôn'],
  ['PTNT', 'phát triển nông thôn'],
  ['TN&MT', 'tài nguyên và môi trường'],
  ['TNMT', 'tài nguyên và môi trường'],
  ['GD&ĐT', 'giáo dục và đào tạo'],
  ['GDĐT', 'giáo dục và đào tạo'],
  ['LĐ-TB&XH', 'lao động thương binh và xã hội'],
  ['LĐTBXH', 'lao động thương binh và xã hội'],
  ['TP.HCM', 'Thành phố Hồ Chí Minh'],
  ['TP. HCM', 'Thành phố Hồ Chí Minh'],
  ['TP HCM', 'Thành phố Hồ Chí Minh'],
  ['TPHCM', 'Thành phố Hồ Chí Minh'],
  ['Đ/c', 'đồng chí'],
  ['đ/c', 'đồng chí'],
];

/**
 * Who issued a legal document, by the last part of its code ("118/2025/NĐ-CP" → CP). Bulletins cite
 * decrees and decisions all the time; reading the code letter by letter is noise to a listener.
 */
export const DOCUMENT_ISSUERS: Readonly<Record<string, string>> = {
  CP: 'Chính phủ',
  TTg: 'Thủ tướng Chính phủ',
  VPCP: 'Văn phòng Chính phủ',
  UBND: 'Ủy ban nhân dân',
  HĐND: 'Hội đồng nhân dân',
  BTTTT: 'Bộ Thông tin và Truyền thông',
  BKHCN: 'Bộ Khoa học và Công nghệ',
  BYT: 'Bộ Y tế',
  BCA: 'Bộ Công an',
  BQP: 'Bộ Quốc phòng',
  BNV: 'Bộ Nội vụ',
  BTC: 'Bộ Tài chính',
  BTP: 'Bộ Tư pháp',
  BXD: 'Bộ Xây dựng',
  BCT: 'Bộ Công Thương',
  BNNPTNT: 'Bộ Nông nghiệp và Phát triển nông thôn',
  BNNMT: 'Bộ Nông nghiệp và Môi trường',
  BTNMT: 'Bộ Tài nguyên và Môi trường',
  BGDĐT: 'Bộ Giáo dục và Đào tạo',
  BLĐTBXH: 'Bộ Lao động Thương binh và Xã hội',
};
