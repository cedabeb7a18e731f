import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildCap,
  CAP_GEOCODE_NAME,
  type CapAlert,
  type CapInfo,
  capDateTime,
  capPlaceCodes,
  infoLanguage,
  isDrawn,
  parseCap,
  pickInfo,
  spokenAlertText,
} from './broadcast.cap.ts';

const alert: CapAlert = {
  identifier: 'XASO-06541-20261122-0001',
  sender: 'ubnd.06541@xaso.local',
  sent: '2026-11-22T09:30:00+07:00',
  status: 'Actual',
  msgType: 'Alert',
  scope: 'Public',
  info: [
    {
      language: 'vi-VN',
      category: ['Met'],
      event: 'Mưa đá & dông lốc',
      responseType: ['Shelter'],
      urgency: 'Immediate',
      severity: 'Severe',
      certainty: 'Observed',
      expires: '2026-11-22T12:30:00+07:00',
      senderName: 'UBND xã Mẫu Sơn',
      headline: 'Cảnh báo mưa đá',
      description: 'Mưa đá <cỡ lớn> kèm gió giật mạnh',
      instruction: 'Bà con không ra ngoài, chằng chống nhà cửa, đưa trâu bò vào chuồng.',
      resource: [
        {
          resourceDesc: 'Bản tin âm thanh',
          mimeType: 'audio/ogg',
          size: 13645,
          uri: 'https://xaso.example.vn/loa/ban-tin/1/am-thanh',
          digest: 'da39a3ee5e6b4b0d3255bfef95601890afd80709',
        },
      ],
      area: [
        {
          areaDesc: 'Thôn Khuổi Tào, xã Mẫu Sơn',
          geocode: [{ valueName: CAP_GEOCODE_NAME, value: '06541.01' }],
        },
        {
          areaDesc: 'Bản Nà Pàn',
          geocode: [
            { valueName: CAP_GEOCODE_NAME, value: '06541.03' },
            { valueName: 'OTHER', value: 'X1' },
          ],
        },
      ],
    },
  ],
};

/** The thunderstorm example from the CAP 1.2 standard (Appendix A.2), trimmed of its polygon. */
const STANDARD_EXAMPLE = `<?xml version = "1.0" encoding = "UTF-8"?>
<alert xmlns = "urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>KSTO1055887203</identifier>
  <sender>KSTO@NWS.NOAA.GOV</sender>
  <sent>2003-06-17T14:57:00-07:00</sent>
  <status>Actual</status>
  <msgType>Alert</msgType>
  <scope>Public</scope>
  <info>
    <category>Met</category>
    <event>SEVERE THUNDERSTORM</event>
    <responseType>Shelter</responseType>
    <urgency>Immediate</urgency>
    <severity>Severe</severity>
    <certainty>Observed</certainty>
    <eventCode>
      <valueName>SAME</valueName>
      <value>SVR</value>
    </eventCode>
    <expires>2003-06-17T16:00:00-07:00</expires>
    <senderName>NATIONAL WEATHER SERVICE SACRAMENTO CA</senderName>
    <headline>SEVERE THUNDERSTORM WARNING</headline>
    <description> AT 254 PM PDT...NATIONAL WEATHER SERVICE DOPPLER RADAR INDICATED A SEVERE THUNDERSTORM...</description>
    <instruction>TAKE COVER IN A SUBSTANTIAL SHELTER UNTIL THE STORM PASSES.</instruction>
    <contact>BARUFFALDI/JUSKIE</contact>
    <area>
      <areaDesc>EXTREME NORTH CENTRAL TUOLUMNE COUNTY IN CALIFORNIA</areaDesc>
      <geocode>
        <valueName>SAME</valueName>
        <value>006109</value>
      </geocode>
    </area>
  </info>
</alert>`;

const replace = (xml: string, from: string, to: string) => {
  assert.ok(xml.includes(from), `fixture lacks ${from}`);
  return xml.replace(from, to);
};

describe('CAP 1.2', () => {
  it('when an alert is written and read back, then nothing is lost, Vietnamese and special characters included', () => {
    const xml = buildCap(alert);
    assert.match(
      xml,
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">/,
    );
    assert.match(xml, /Mưa đá &amp; dông lốc/);
    assert.match(xml, /Mưa đá &lt;cỡ lớn&gt;/);
    const back = parseCap(xml);
    assert.ok(back.ok, JSON.stringify(back));
    assert.deepEqual(back.alert, alert);
  });

  it('when elements are written, then they follow the order of the CAP schema', () => {
    const xml = buildCap(alert);
    const order = ['identifier', 'sender', 'sent', 'status', 'msgType', 'scope', 'info'];
    const at = order.map((name) => xml.indexOf(`<${name}>`));
    assert.deepEqual(
      [...at].sort((a, b) => a - b),
      at,
    );
    const info = ['language', 'category', 'event', 'responseType', 'urgency', 'severity', 'certainty'];
    const infoAt = info.map((name) => xml.indexOf(`<${name}>`));
    assert.deepEqual(
      [...infoAt].sort((a, b) => a - b),
      infoAt,
    );
    assert.ok(xml.indexOf('<resource>') < xml.indexOf('<area>'));
  });

  it('when the standard’s own example is read, with no <language>, then it is valid and its language is en-US', () => {
    // OASIS CAP v1.2 §3.2.2, <language>: optional; "If not present, an implicit default value of
    // 'en-US' SHALL be assumed." The standard's example (Appendix A.2) has none.
    const r = parseCap(STANDARD_EXAMPLE);
    assert.ok(r.ok, JSON.stringify(r));
    const info = r.alert.info[0] as CapInfo;
    assert.equal(info.language, undefined);
    assert.equal(infoLanguage(info), 'en-US');
    assert.equal(info.eventCode?.[0]?.value, 'SVR');
    assert.deepEqual(capPlaceCodes(r.alert), []);
    // Written back without inventing a language; read again, the same alert.
    assert.doesNotMatch(buildCap(r.alert), /<language>/);
    assert.deepEqual((parseCap(buildCap(r.alert)) as { alert: CapAlert }).alert, r.alert);
  });

  it('when a Vietnamese block and one with no <language> are both there, then the Vietnamese one is spoken', () => {
    const vi = alert.info[0] as CapInfo;
    const { language: _, ...noLanguage } = { ...vi, instruction: 'Stay inside.' };
    assert.equal(pickInfo({ ...alert, info: [noLanguage, vi] })?.language, 'vi-VN');
    assert.equal(infoLanguage(pickInfo({ ...alert, info: [noLanguage] }) as CapInfo), 'en-US');
  });

  it('when an area is only a polygon or only a circle, with no <geocode>, then it is valid and names none of our places', () => {
    // OASIS CAP v1.2 §3.2.4, <area>: areaDesc required; polygon, circle and geocode optional.
    const drawn: CapAlert = {
      ...alert,
      info: [
        {
          ...(alert.info[0] as CapInfo),
          area: [
            {
              areaDesc: 'Lưu vực suối Khuổi Tào',
              polygon: ['21.85,106.95 21.87,106.99 21.83,107.00 21.85,106.95'],
            },
            { areaDesc: 'Quanh hồ Nà Pàn', circle: ['21.86,106.97 2.5'] },
          ],
        },
      ],
    };
    const r = parseCap(buildCap(drawn));
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(r.alert, drawn);
    assert.deepEqual(capPlaceCodes(r.alert), []);
    assert.deepEqual(r.alert.info[0]?.area.map(isDrawn), [true, true]);
  });

  it('when required elements are missing, then each is named', () => {
    const xml = buildCap(alert)
      .replace(/<sender>.*<\/sender>\n\s*/, '')
      .replace(/<urgency>.*<\/urgency>\n\s*/, '')
      .replace(/<event>.*<\/event>\n\s*/, '');
    const r = parseCap(xml);
    assert.equal(r.ok, false);
    assert.deepEqual(!r.ok && r.errors, [
      'sender: required',
      'info[0].event: required',
      'info[0].urgency: required',
    ]);
  });

  it('when values are outside the standard’s lists, then they are refused with the allowed values', () => {
    const xml = replace(
      replace(buildCap(alert), '<severity>Severe', '<severity>Nghiêm trọng'),
      '<status>Actual',
      '<status>Real',
    );
    const r = parseCap(xml);
    assert.equal(r.ok, false);
    assert.match((!r.ok && r.errors.join('\n')) || '', /status: "Real" is not one of Actual, Exercise/);
    assert.match((!r.ok && r.errors.join('\n')) || '', /info\[0\]\.severity: "Nghiêm trọng" is not one of/);
  });

  it('when a date-time uses Z or lacks seconds, then it is refused (CAP wants an explicit offset)', () => {
    for (const bad of ['2026-11-22T02:30:00Z', '2026-11-22T09:30+07:00', '2026-13-22T09:30:00+07:00']) {
      const r = parseCap(replace(buildCap(alert), '<sent>2026-11-22T09:30:00+07:00', `<sent>${bad}`));
      assert.equal(r.ok, false, bad);
      assert.match((!r.ok && r.errors[0]) || '', /^sent: /);
    }
  });

  it('when msgType is Cancel without references, or scope Restricted without restriction, then refused', () => {
    const cancel = parseCap(replace(buildCap(alert), '<msgType>Alert', '<msgType>Cancel'));
    assert.deepEqual(!cancel.ok && cancel.errors, ['references: required when msgType is Cancel']);
    const restricted = parseCap(replace(buildCap(alert), '<scope>Public', '<scope>Restricted'));
    assert.deepEqual(!restricted.ok && restricted.errors, ['restriction: required when scope is Restricted']);
    const ok = parseCap(
      buildCap({
        ...alert,
        msgType: 'Cancel',
        references: 'ubnd.06541@xaso.local,X-1,2026-11-22T09:30:00+07:00',
      }),
    );
    assert.ok(ok.ok);
  });

  it('when the document is not CAP 1.2, has a DOCTYPE, is broken XML or repeats a single element, then refused', () => {
    const wrongNs = parseCap(replace(buildCap(alert), 'cap:1.2', 'cap:1.1'));
    assert.match(
      (!wrongNs.ok && wrongNs.errors[0]) || '',
      /namespace must be urn:oasis:names:tc:emergency:cap:1.2/,
    );
    const dtd = parseCap(
      `<!DOCTYPE alert [<!ENTITY x "boom">]>${buildCap(alert).split('\n').slice(1).join('\n')}`,
    );
    assert.deepEqual(!dtd.ok && dtd.errors, ['DOCTYPE is not allowed in a CAP document']);
    const broken = parseCap(buildCap(alert).replace('</scope>', ''));
    assert.match((!broken.ok && broken.errors[0]) || '', /^not well-formed XML/);
    const twice = parseCap(
      replace(buildCap(alert), '<status>Actual</status>', '<status>Actual</status><status>Test</status>'),
    );
    assert.deepEqual(!twice.ok && twice.errors, ['status: must appear once']);
    const notAlert = parseCap('<feed><alert/></feed>');
    assert.deepEqual(!notAlert.ok && notAlert.errors, ['the root element must be <alert>']);
  });

  it('when identifier has a space, info has no area or an area no areaDesc, then refused', () => {
    // CAP 1.2 §3.2.4: areaDesc is the one element an area requires. (An info with no area is
    // allowed by the standard; we still refuse it: nothing would say where to play. README.)
    const r = parseCap(
      buildCap({
        ...alert,
        identifier: 'XASO 1',
        info: [
          {
            ...(alert.info[0] as CapAlert['info'][0]),
            area: [{ areaDesc: '', polygon: ['21.8,106.9 21.9,107.0 21.8,107.0 21.8,106.9'] }],
          },
          { ...(alert.info[0] as CapAlert['info'][0]), language: 'en-US', area: [] },
        ],
      }),
    );
    assert.deepEqual(!r.ok && r.errors, [
      'identifier: no spaces, commas, < or &',
      'info[0].area[0].areaDesc: required',
      'info[1].area: at least one <area> is required',
    ]);
  });

  it('when areas are read, then our place codes come from geocodes with our valueName only', () => {
    assert.deepEqual(capPlaceCodes(alert), ['06541.01', '06541.03']);
  });

  it('when an alert has several languages, then the Vietnamese block is spoken: headline, then the instruction', () => {
    const en = { ...(alert.info[0] as CapAlert['info'][0]), language: 'en-US', instruction: 'Stay inside.' };
    const picked = pickInfo({ ...alert, info: [en, alert.info[0] as CapAlert['info'][0]] });
    assert.equal(picked?.language, 'vi-VN');
    assert.equal(
      spokenAlertText(picked as CapAlert['info'][0]),
      'Cảnh báo mưa đá. Bà con không ra ngoài, chằng chống nhà cửa, đưa trâu bò vào chuồng.',
    );
  });

  it('when a time is written for CAP, then it carries the +07:00 offset and whole seconds', () => {
    assert.equal(capDateTime(Date.parse('2026-11-22T02:30:00.700Z')), '2026-11-22T09:30:00+07:00');
  });

  it('when a document nests tags tens of thousands deep, then it is refused as too deep before it is parsed, quickly', () => {
    const deep = (n: number) =>
      `<?xml version="1.0"?><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">${'<a>'.repeat(n)}x${'</a>'.repeat(n)}</alert>`;
    const started = performance.now();
    const r = parseCap(deep(50_000));
    assert.ok(performance.now() - started < 500, 'answered in well under a second');
    assert.deepEqual(!r.ok && r.errors, ['alert: elements nested more than 16 deep (CAP needs 5)']);
    // Comments and CDATA do not open elements; a CAP document itself is 5 deep.
    const fine = buildCap(alert).replace(
      '<scope>Public</scope>',
      `<scope>Public</scope><!-- ${'<a>'.repeat(20)} --><note><![CDATA[${'<b>'.repeat(20)}]]></note>`,
    );
    assert.equal(parseCap(buildCap(alert)).ok, true);
    assert.equal(parseCap(deep(12)).ok, false);
    assert.doesNotMatch(JSON.stringify(parseCap(deep(12))), /nested/);
    const read = parseCap(fine);
    assert.ok(read.ok, JSON.stringify(read));
    assert.equal(read.alert.note, '<b>'.repeat(20));
  });
});
