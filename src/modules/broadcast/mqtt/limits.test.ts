import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generate } from 'mqtt-packet';
import { PacketSizeGuard } from './limits.ts';

/** Real MQTT 3.1.1 packets, written by the same library mqtt.js uses. */
const connect = generate({
  cmd: 'connect',
  protocolId: 'MQTT',
  protocolVersion: 4,
  clean: false,
  clientId: '06541.01-1',
  keepalive: 30,
  username: '06541.01-1',
  password: Buffer.from('mat-khau-loa'),
});
const publish = (bytes: number) =>
  generate({
    cmd: 'publish',
    topic: 'loa/06541.01-1/played',
    payload: Buffer.alloc(bytes, 0x7b),
    qos: 1,
    messageId: 7,
    retain: false,
    dup: false,
  });
const ping = generate({ cmd: 'pingreq' });

describe('the packet size guard', () => {
  it('when packets arrive whole, byte by byte or several to a chunk, then each is measured from its header', () => {
    const stream = Buffer.concat([connect, publish(100_000), ping, publish(10), ping]);
    const limit = publish(100_000).length;
    assert.equal(new PacketSizeGuard(limit).feed(stream), true);
    const byteByByte = new PacketSizeGuard(limit);
    for (const b of stream) assert.equal(byteByByte.feed(Buffer.from([b])), true);
    const ragged = new PacketSizeGuard(limit);
    for (let at = 0; at < stream.length; at += 7_777) {
      assert.equal(ragged.feed(stream.subarray(at, at + 7_777)), true);
    }
  });

  it('when a packet is one byte over the limit, then its header alone is enough to refuse it', () => {
    const big = publish(100_000);
    const guard = new PacketSizeGuard(big.length - 1);
    assert.equal(guard.feed(Buffer.concat([connect, ping])), true);
    // The type byte and the remaining length: 1 + 3 bytes for ~100 KB.
    assert.equal(guard.feed(big.subarray(0, 4)), false);
  });

  it('when the remaining length runs over four bytes, then it is refused as malformed', () => {
    assert.equal(new PacketSizeGuard(268_435_455).feed(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff])), false);
    assert.equal(new PacketSizeGuard(268_435_455).feed(Buffer.from([0x30, 0xff, 0xff, 0xff, 0x7f])), false);
    assert.equal(new PacketSizeGuard(268_435_460).feed(Buffer.from([0x30, 0xff, 0xff, 0xff, 0x7f])), true);
  });
});
