/**
 * The lab's Node side: which weights and files the page is given, that the server hands out only
 * those, and that the browser test's pen strokes cover the digit it draws. The page itself is
 * tested in Chromium by lib/lab/check.ts (npm run lab -- check, step 4 of npm run verify).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { strokesFor } from '../lab/check';
import { labConfig, paramPrefix, PARAM_NAMES } from '../lab/data';
import { startLabServer } from '../lab/server';
import { loadMnist } from '../mnist/node';

describe('lab data', () => {
  it('offers the reference weights of test/fixtures/ and the MNIST test set, and only those files', () => {
    const { config, files } = labConfig('solutions', []);
    expect(config.target).toBe('solutions');
    const reference = config.weights.find((w) => w.label === 'test/fixtures/mnist-net.json');
    expect(reference).toMatchObject({ manifest: 'test/fixtures/mnist-net.json', data: 'test/fixtures/mnist-net.f32', prefix: '' });
    expect(config.weights[0]).toBe(reference);
    expect(reference?.note).toMatch(/PyTorch/);
    expect(config.batch).not.toBeNull();
    expect([...files.keys()].sort()).toEqual(
      [...config.weights.flatMap((w) => [w.manifest, w.data]), config.batch!.images, config.batch!.labels].sort(),
    );
    for (const file of files.values()) expect(fs.existsSync(file)).toBe(true);
  });

  it('finds the six parameters behind a common prefix, and refuses a fixture without them', () => {
    const tensors = (prefix: string, names: readonly string[]) => ({ tensors: names.map((n) => ({ name: prefix + n })) });
    expect(paramPrefix(tensors('', PARAM_NAMES))).toBe('');
    expect(paramPrefix(tensors('model.', [...PARAM_NAMES, 'logits']))).toBe('model.');
    expect(paramPrefix(tensors('', PARAM_NAMES.filter((n) => n !== 'fc.bias')))).toBeUndefined();
  });

  it('names the file and what is missing when --weights is not a usable fixture', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-weights-'));
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ format: 'cnn-katas-fixture', data: { file: 'bad.f32' }, tensors: [{ name: 'conv1.weight' }] }));
    expect(() => labConfig('katas', [bad])).toThrow(/--weights .*bad\.json does not hold the six MNIST net parameters/);
    expect(() => labConfig('katas', [path.join(dir, 'missing.json')])).toThrow(/--weights cannot read .*missing\.json/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('lab server', () => {
  it('serves the page, the config and the listed data files, and nothing else from the disk', async () => {
    const server = await startLabServer({ target: 'solutions', port: 0, logLevel: 'silent' });
    try {
      const get = (p: string) => fetch(new URL(p, server.url));
      const page = await get('/');
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('cnn-katas lab');
      const config = await (await get('/lab-data/config.json')).json();
      expect(config).toEqual(JSON.parse(JSON.stringify(server.config)));
      const weights = await get(`/lab-data/${server.config.weights[0].data}`);
      expect(weights.status).toBe(200);
      expect((await weights.arrayBuffer()).byteLength).toBe(fs.statSync('test/fixtures/mnist-net.f32').size);
      for (const p of ['/lab-data/package.json', '/lab-data/lib/paths.ts', '/lab-data/..%2Fpackage.json']) {
        expect((await get(p)).status, p).toBe(404);
      }
    } finally {
      await server.close();
    }
  }, 60_000);
});

describe('the browser test draws the digit it claims to', () => {
  it('puts every ink pixel of a test digit under the pen (radius one MNIST pixel)', () => {
    const test = loadMnist('test', { limit: 20 });
    for (let k = 0; k < 20; k++) {
      const pixels = test.pixels.subarray(k * 784, (k + 1) * 784);
      const strokes = strokesFor(pixels, 280);
      const cell = 10;
      const near = (x: number, y: number) =>
        strokes.some((s) =>
          s.some((p, i) => {
            const q = s[Math.min(i + 1, s.length - 1)];
            const [dx, dy] = [q[0] - p[0], q[1] - p[1]];
            const t = dx === 0 && dy === 0 ? 0 : Math.max(0, Math.min(1, ((x - p[0]) * dx + (y - p[1]) * dy) / (dx * dx + dy * dy)));
            return Math.hypot(x - (p[0] + t * dx), y - (p[1] + t * dy)) <= cell;
          }),
        );
      for (let r = 0; r < 28; r++) {
        for (let c = 0; c < 28; c++) {
          if (pixels[r * 28 + c] >= 128) expect(near((c + 0.5) * cell, (r + 0.5) * cell), `image ${k}, pixel (${r}, ${c})`).toBe(true);
        }
      }
    }
  });
});
