import { compare, type Measure, median } from '../measure.ts';

/** About a minute of speech: a typical commune bulletin, with numbers, dates and abbreviations. */
const BULLETIN = [
  'UBND xã Mẫu Sơn thông báo lịch tiêm phòng và kế hoạch sản xuất vụ đông năm 2026.',
  'Từ 7h30 đến 11h ngày 15/3, trạm y tế xã tiêm vắc-xin cho trẻ em dưới 5 tuổi tại nhà văn hoá các thôn.',
  'Bà con mang theo sổ tiêm chủng và thẻ BHYT của trẻ; gia đình nào ở xa trên 10 km đề nghị báo trưởng thôn để được hỗ trợ.',
  'Về sản xuất, xã hỗ trợ 50% giá giống ngô và khoai tây cho các hộ đăng ký trước ngày 20/11.',
  'Giá phân bón tại hợp tác xã là 12.500đ/kg. Cán bộ khuyến nông sẽ đến từng thôn hướng dẫn làm đất và gieo trồng.',
  'Trong tuần tới có mưa rào và dông, nhiệt độ thấp nhất 8°C. Bà con chú ý giữ ấm cho trẻ nhỏ, người già và đàn trâu bò.',
  'Mọi thắc mắc xin gọi đường dây nóng 0912 345 678 hoặc đến bộ phận một cửa của UBND xã trong giờ hành chính.',
  'Đề nghị các trưởng thôn, bản thông báo rộng rãi đến từng hộ gia đình. Xin cảm ơn bà con đã chú ý lắng nghe.',
].join(' ');

/**
 * Text-to-speech real-time factor: espeak-ng synthesis time ÷ length of the speech, median of
 * BENCH_STARTS runs. The baseline is real time (1.0): the ratio says what fraction of real time a
 * bulletin takes to speak. Normalisation is included; the Opus encode and its verification are
 * reported beside it (details), since they are part of producing the file.
 */
export const ttsRtf: Measure = {
  name: 'tts-rtf',
  description: 'espeak-ng synthesis time ÷ audio duration for a ~70 s bulletin (lower is better), median',
  async run(s) {
    const { createTtsEngine, renderSpeech } = await import('#modules/broadcast/index.ts');
    const engine = createTtsEngine({ engine: 'espeak-ng' });
    // Warm-up: the first spawn pays for loading espeak-ng's voice data from disk.
    await renderSpeech(engine, 'Xin chào bà con.');
    const rtf: number[] = [];
    const withEncode: number[] = [];
    let duration = 0;
    let kbps = 0;
    for (let i = 0; i < s.starts; i++) {
      const r = await renderSpeech(engine, BULLETIN);
      duration = r.audio.durationSeconds;
      kbps = r.audio.bitrateKbps;
      rtf.push(r.timings.synthesisMs / 1000 / duration);
      withEncode.push((r.timings.synthesisMs + r.timings.encodeMs) / 1000 / duration);
    }
    return compare({
      value: median(rtf),
      unit: '× real time',
      baseline: 1,
      baselineLabel: 'real time',
      higherIsBetter: false,
      details: {
        audioSeconds: duration,
        bitrateKbps: kbps,
        synthesisRtf: rtf,
        synthesisAndEncodeRtf: withEncode,
        medianSynthesisAndEncodeRtf: median(withEncode),
      },
    });
  },
};
