/**
 * Two plain-JavaScript convolutions on flat NCHW tensors, for `npm run bench` to compare the
 * katas' code and the gpu.js kernels with: a direct loop nest, and im2col + matrix product (how
 * many libraries do it on a CPU). Not a kata: the baseline a learner's code is measured against.
 */
import type { Tensor } from '../tensor';

/** Conv2d (no padding, stride 1) as a direct loop nest: x [N, C, H, W], weight [M, C, k, k], bias [M]. */
export function directConv2d(x: Tensor, weight: Tensor, bias: Tensor): Tensor {
  const [n, c, h, w] = x.shape;
  const [m, , kh, kw] = weight.shape;
  const oh = h - kh + 1;
  const ow = w - kw + 1;
  const out = new Float32Array(n * m * oh * ow);
  const xd = x.data;
  const wd = weight.data;
  for (let b = 0; b < n; b++) {
    for (let o = 0; o < m; o++) {
      const base = (b * m + o) * oh * ow;
      out.fill(bias.data[o], base, base + oh * ow);
      for (let ci = 0; ci < c; ci++) {
        const plane = (b * c + ci) * h * w;
        for (let u = 0; u < kh; u++) {
          for (let v = 0; v < kw; v++) {
            const wv = wd[((o * c + ci) * kh + u) * kw + v];
            for (let i = 0; i < oh; i++) {
              const row = plane + (i + u) * w + v;
              const orow = base + i * ow;
              for (let j = 0; j < ow; j++) out[orow + j] += wv * xd[row + j];
            }
          }
        }
      }
    }
  }
  return { shape: [n, m, oh, ow], data: out };
}

/** Conv2d (no padding, stride 1) as im2col: each image's windows as columns, then weight [M, C*k*k] times them. */
export function im2colConv2d(x: Tensor, weight: Tensor, bias: Tensor): Tensor {
  const [n, c, h, w] = x.shape;
  const [m, , kh, kw] = weight.shape;
  const oh = h - kh + 1;
  const ow = w - kw + 1;
  const rows = c * kh * kw;
  const cols = oh * ow;
  const col = new Float32Array(rows * cols);
  const out = new Float32Array(n * m * cols);
  for (let b = 0; b < n; b++) {
    for (let ci = 0; ci < c; ci++) {
      for (let u = 0; u < kh; u++) {
        for (let v = 0; v < kw; v++) {
          const r = (ci * kh + u) * kw + v;
          for (let i = 0; i < oh; i++) {
            const src = ((b * c + ci) * h + i + u) * w + v;
            col.set(x.data.subarray(src, src + ow), r * cols + i * ow);
          }
        }
      }
    }
    for (let o = 0; o < m; o++) {
      const dst = (b * m + o) * cols;
      out.fill(bias.data[o], dst, dst + cols);
      for (let r = 0; r < rows; r++) {
        const wv = weight.data[o * rows + r];
        const src = r * cols;
        for (let j = 0; j < cols; j++) out[dst + j] += wv * col[src + j];
      }
    }
  }
  return { shape: [n, m, oh, ow], data: out };
}

/** Max-pool 2 (stride 2) then ReLU on flat NCHW. */
export function poolRelu(x: Tensor): Tensor {
  const [n, c, h, w] = x.shape;
  const oh = Math.floor(h / 2);
  const ow = Math.floor(w / 2);
  const out = new Float32Array(n * c * oh * ow);
  for (let p = 0; p < n * c; p++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        const a = (p * h + 2 * i) * w + 2 * j;
        const best = Math.max(x.data[a], x.data[a + 1], x.data[a + w], x.data[a + w + 1]);
        out[(p * oh + i) * ow + j] = best > 0 ? best : 0;
      }
    }
  }
  return { shape: [n, c, oh, ow], data: out };
}
