/**
 * lib/fixtures.ts (the fixture format) and the committed MNIST fixture: checksums, structure,
 * provenance, and a sample of its tfjs logits recomputed here from its stored weights.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeFixture, FixtureError, loadFixture, parseFixture, verifyFixture, writeFixture } from '../fixtures';
import { loadMnist } from '../mnist/node';
import { MNIST_FIXTURE, PARAM_NAMES } from '../reference/make-mnist-fixtures';
import { compareLogits, FRAMEWORK_TOLERANCE, tfMnistNet } from '../reference/mnist';
import { tensor } from '../tensor';

const small = () => encodeFixture('small', [['a', tensor([2, 3], [1, -2.5, 3, 1e-7, 65504, -0])], ['b', tensor([1], [42])]], { how: 'by hand' });

describe('lib/fixtures: the fixture format', () => {
  it('round-trips tensors through manifest + little-endian float32 bytes, with fresh copies', () => {
    const { manifest, bytes } = small();
    expect(bytes.length).toBe(28);
    expect(new DataView(bytes.buffer).getFloat32(4, true)).toBe(-2.5);
    const f = parseFixture(JSON.parse(JSON.stringify(manifest)), bytes);
    expect(f.names).toEqual(['a', 'b']);
    expect(Array.from(f.get('a', [2, 3]).data)).toEqual(Array.from(Float32Array.from([1, -2.5, 3, 1e-7, 65504, -0])));
    const first = f.get('b');
    first.data[0] = 0;
    expect(f.get('b').data[0]).toBe(42);
  });

  it('verifyFixture checks every sha256 with Web Crypto, naming what changed', async () => {
    const { manifest, bytes } = small();
    await verifyFixture(parseFixture(manifest, bytes), bytes);
    const bad = bytes.slice();
    bad[25] ^= 1;
    await expect(verifyFixture(parseFixture(manifest, bad), bad)).rejects.toThrow(/small\.f32 has sha256 .*, expected/);
  });

  it('a truncated data file, a wrong shape or an unknown name is a FixtureError that says which', () => {
    const { manifest, bytes } = small();
    expect(() => parseFixture(manifest, bytes.subarray(0, 20))).toThrow(/small\.f32 has 20 bytes, expected 28 \(truncated\)/);
    const f = parseFixture(manifest, bytes);
    expect(() => f.get('a', [3, 2])).toThrow(/a: expected \[3, 2\], got \[2, 3\]/);
    expect(() => f.get('c')).toThrow(FixtureError);
    expect(() => parseFixture({ ...manifest, version: 2 }, bytes)).toThrow(/version is 2, expected 1/);
  });

  it('loadFixture verifies the checksums of the files it reads', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fixture-'));
    const written = writeFixture(dir, small());
    expect(loadFixture(written.manifest).get('b').data[0]).toBe(42);
    const bytes = fs.readFileSync(written.data);
    bytes[0] ^= 0x80;
    fs.writeFileSync(written.data, bytes);
    expect(() => loadFixture(written.manifest)).toThrow(/sha256 .*, expected .*changed or damaged/);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('test/fixtures/mnist-net: the MNIST reference', () => {
  const fixture = loadFixture(MNIST_FIXTURE);
  const p = fixture.manifest.provenance as Record<string, Record<string, unknown>>;

  it('is small, checksummed, and says how it was made', () => {
    expect(fixture.manifest.data.bytes).toBeLessThan(400_000);
    expect(fixture.names).toEqual([...PARAM_NAMES, 'logits', 'predictions', 'pytorch.logits']);
    expect(p.weights.framework).toMatch(/^PyTorch /);
    expect(p.weights).toHaveProperty('seed');
    expect(p.weights).toHaveProperty('epochs');
    expect(p.weights.accuracy).toBeGreaterThanOrEqual(0.987);
    expect(p.tfjs.version).toMatch(/^\d+\.\d+/);
    expect(p.tfjs.backend).toBeTypeOf('string');
    expect(p.date).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it(`tfjs, recomputed here from the stored weights, gives the stored logits (|Δ| ≤ ${FRAMEWORK_TOLERANCE} · max(1, |logit|)) and predictions`, () => {
    const n = 100;
    const sd = Object.fromEntries(PARAM_NAMES.map((k) => [k, fixture.get(k)]));
    const test = loadMnist('test', { limit: n });
    const net = tfMnistNet(sd);
    const logits = net.logits({ shape: [n, 1, 28, 28], data: test.images });
    net.dispose();
    const d = compareLogits(logits.data, fixture.get('logits').data.subarray(0, n * 10));
    expect(d.maxScaled, `max |Δ| ${d.maxAbs} at value ${d.at}`).toBeLessThanOrEqual(FRAMEWORK_TOLERANCE);
    const stored = fixture.get('predictions').data;
    for (let i = 0; i < n; i++) {
      const row = logits.data.subarray(i * 10, i * 10 + 10);
      expect(row.indexOf(Math.max(...row)), `prediction ${i}`).toBe(stored[i]);
    }
  });

  it("holds PyTorch's own logits within the same tolerance of tfjs's", () => {
    const d = compareLogits(fixture.get('logits').data, fixture.get('pytorch.logits').data);
    expect(d.maxScaled).toBeLessThanOrEqual(FRAMEWORK_TOLERANCE);
  });
});
