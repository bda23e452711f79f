// Glimpse vision encoder kernels (docs/model.md §3), compiled at run time by NVRTC for the GPU at hand
// (dev.glimpse.cuda.KernelCompiler) and checked with `nvcc -ptx` at build time (KernelSourceTest).
// No #include and no library types: NVRTC compiles this without any header, so only built-ins are used
// (math functions, __shfl_xor_sync, __float_as_uint, ...). No fast-math: the f32 path must match the CPU reference.
//
// Legend: B frames, P = Hp·Wp patches per frame, M = B·P rows, C = H·D width, H heads, D = 64 head dim, F SwiGLU
// hidden, K = 3·p² patch values, n = n_h·n_w merged tokens per frame, U = C·merge² unfolded width, A aligner hidden,
// d LM width. Activations are f32 rows; T is the storage type of a GEMM input: float, or bf16 kept as its 16 bits.
// Every kernel comes as extern "C" instances named <kernel>_f32 / <kernel>_bf16 (T), so the host finds them by name.

typedef unsigned short bf16_t;

struct alignas(16) f4 { float x, y, z, w; };

__device__ __forceinline__ float neg_inf() { return __int_as_float(0xff800000); }

// f32 → bf16, round to nearest even; NaN stays NaN (as PyTorch's .to(torch.bfloat16) and tensor's DType.floatToBf16).
__device__ __forceinline__ bf16_t f32_to_bf16(float f) {
  unsigned int u = __float_as_uint(f);
  if ((u & 0x7fffffffu) > 0x7f800000u) return (bf16_t) ((u >> 16) | 0x40u);
  u += 0x7fffu + ((u >> 16) & 1u);
  return (bf16_t) (u >> 16);
}

__device__ __forceinline__ void put(float* p, float v) { *p = v; }
__device__ __forceinline__ void put(bf16_t* p, float v) { *p = f32_to_bf16(v); }

__device__ __forceinline__ long long thread_index() { return blockIdx.x * (long long) blockDim.x + threadIdx.x; }
__device__ __forceinline__ long long thread_count() { return (long long) gridDim.x * blockDim.x; }

// Elementwise kernels index with I = int when the element count allows (SMALL): 64-bit division and remainder are
// emulated in dozens of instructions and dominated those kernels; long long otherwise.
#define SMALL(total) ((total) <= (1LL << 30))

struct alignas(8) u2 { unsigned int x, y; };

// Four consecutive values at p (16-byte aligned for float, 8 for bf16) in one store.
__device__ __forceinline__ void put4(float* p, float a, float b, float c, float d) { *reinterpret_cast<f4*>(p) = {a, b, c, d}; }
__device__ __forceinline__ void put4(bf16_t* p, float a, float b, float c, float d) {
  *reinterpret_cast<u2*>(p) = {(unsigned int) f32_to_bf16(a) | ((unsigned int) f32_to_bf16(b) << 16),
      (unsigned int) f32_to_bf16(c) | ((unsigned int) f32_to_bf16(d) << 16)};
}

// §2.2 + §3.1: frames → patches [M, K], each 14×14 patch flattened channel-major (c, py, px), patches row-major
// (pr·Wp + pc), rows ldk ≥ K apart with columns K … ldk−1 zero (ldk a multiple of 8 keeps bf16 rows 16-byte aligned
// for cuBLAS's tensor-core kernels). The frames are grid-native interleaved RGB bytes [B, Gh, Gw, 3] (U8: normalised
// here, x = (v/255 − 0.5)/0.5), or pixels already preprocessed on the host (resized, padded, normalised)
// [B, 3, Gh, Gw]. One thread per pixel: a warp reads consecutive pixels of one image row (coalesced) and writes runs
// of p values; the thread of a patch's first pixel also writes the patch's padding.
template <typename T, typename I, bool U8>
__device__ void patch_at(const void* __restrict__ in, T* __restrict__ out, int gh, int gw, int p, int ldk, I total) {
  int wp = gw / p, np = (gh / p) * wp, pp = p * p;
  long long plane = (long long) gh * gw;
  for (I e = (I) thread_index(); e < total; e += (I) thread_count()) {
    I fy = e / gw;
    int x = (int) (e - fy * gw), f = (int) (fy / gh), y = (int) (fy - (I) f * gh);
    int pr = y / p, py = y - pr * p, pc = x / p, px = x - pc * p;
    long long row = (long long) f * np + pr * wp + pc;
    T* dst = out + row * ldk + py * p + px;
    for (int ch = 0; ch < 3; ch++) {
      float v = U8 ? ((float) static_cast<const unsigned char*>(in)[(long long) e * 3 + ch] / 255.0f - 0.5f) / 0.5f
                   : static_cast<const float*>(in)[((long long) f * 3 + ch) * plane + (long long) y * gw + x];
      put(dst + ch * pp, v);
    }
    if (px == 0 && py == 0) for (int j = 3 * pp; j < ldk; j++) put(out + row * ldk + j, 0.0f);
  }
}

template <typename T, bool U8>
__device__ void patches(const void* __restrict__ in, T* __restrict__ out, int b, int gh, int gw, int p, int ldk) {
  long long total = (long long) b * gh * gw;
  if (SMALL(total)) patch_at<T, int, U8>(in, out, gh, gw, p, ldk, (int) total);
  else patch_at<T, long long, U8>(in, out, gh, gw, p, ldk, total);
}

// In place on x [M, C]: x = (x + bias) + pos[row mod P] — the linear's bias, then the fixed 2-D sin-cos (§3.1, §3.4).
// bias may be null.
template <typename I>
__device__ void add_bias_pos_at(float* __restrict__ x, const float* __restrict__ bias, const float* __restrict__ pos,
    int np, int c, I total) {
  for (I e = (I) thread_index(); e < total; e += (I) thread_count()) {
    I row = e / c;
    int col = (int) (e - row * c);
    float v = x[e];
    if (bias) v += bias[col];
    x[e] = v + pos[(long long) (row % np) * c + col];
  }
}

extern "C" __global__ void add_bias_pos(float* __restrict__ x, const float* __restrict__ bias,
    const float* __restrict__ pos, int m, int np, int c) {
  long long total = (long long) m * c;
  if (SMALL(total)) add_bias_pos_at<int>(x, bias, pos, np, c, (int) total);
  else add_bias_pos_at<long long>(x, bias, pos, np, c, total);
}

// The residual add and pre-norm of §3.2, one warp per row: when res is non-null, x ← x + (res + rbias) (rbias may be
// null), the CPU's order (x += matmul-with-bias); then y = x / sqrt(mean(x²) + eps) · w (ReferenceKernels.rmsNorm:
// the inverse root in double, rounded to f32).
template <typename T>
__device__ void residual_rmsnorm(float* __restrict__ x, const float* __restrict__ res, const float* __restrict__ rbias,
    const float* __restrict__ w, T* __restrict__ y, int m, int c, float eps) {
  int row = (int) (thread_index() >> 5), lane = threadIdx.x & 31;
  if (row >= m) return;                                       // whole warps leave together: the shuffles stay full
  float* xr = x + (long long) row * c;
  const float* rr = res ? res + (long long) row * c : 0;
  float ss = 0.0f;
  for (int i = lane; i < c; i += 32) {
    float v = xr[i];
    if (rr) {
      float r = rr[i];
      if (rbias) r += rbias[i];
      v += r;
      xr[i] = v;
    }
    ss += v * v;
  }
  for (int o = 16; o > 0; o >>= 1) ss += __shfl_xor_sync(0xffffffffu, ss, o);
  float inv = (float) (1.0 / sqrt((double) (ss / (float) c + eps)));
  T* yr = y + (long long) row * c;
  for (int i = lane; i < c; i += 32) put(yr + i, xr[i] * inv * w[i]);
}

// In place on qkv [M, 3C] (q | k | v, heads of D = 64 inside each): adds the q/k/v biases, then rotates q and k by
// the 2-D RoPE of the row's patch (§3.3: rotate-half, channel j pairs with j+32; cos/sin [P, 32]). One thread per
// (row, head, j < 32). __fmul_rn keeps the products unfused, as the CPU computes a·cos − b·sin.
template <typename I>
__device__ void qkv_bias_rope_at(float* __restrict__ qkv, const float* __restrict__ bias,
    const float* __restrict__ cosv, const float* __restrict__ sinv, int np, int heads, I total) {
  int c = heads * 64;
  for (I e = (I) thread_index(); e < total; e += (I) thread_count()) {
    I jh = e >> 5, r = jh / heads;
    int j = (int) (e & 31), h = (int) (jh - r * heads), pi = (int) (r % np);
    float cs = cosv[pi * 32 + j], sn = sinv[pi * 32 + j];
    float* row = qkv + (long long) r * 3 * c;
    for (int part = 0; part < 2; part++) {
      int o = part * c + h * 64 + j;
      float a = row[o] + bias[o], bb = row[o + 32] + bias[o + 32];
      row[o] = __fadd_rn(__fmul_rn(a, cs), -__fmul_rn(bb, sn));
      row[o + 32] = __fadd_rn(__fmul_rn(bb, cs), __fmul_rn(a, sn));
    }
    int o = 2 * c + h * 64 + j;
    row[o] += bias[o];
    row[o + 32] += bias[o + 32];
  }
}

extern "C" __global__ void qkv_bias_rope(float* __restrict__ qkv, const float* __restrict__ bias,
    const float* __restrict__ cosv, const float* __restrict__ sinv, int m, int np, int heads) {
  long long total = (long long) m * heads * 32;
  if (SMALL(total)) qkv_bias_rope_at<int>(qkv, bias, cosv, sinv, np, heads, (int) total);
  else qkv_bias_rope_at<long long>(qkv, bias, cosv, sinv, np, heads, total);
}

#define ATT_TILE 64
#define ATT_LD 68     // shared row stride: rows stay 16-byte aligned for f4, and transposed stores spread over banks

// Softmax attention of §3.2 inside one group of patches — one win×win window, or the whole frame when win == 0 —
// for one (frame, head), flash-style: the CTA owns 64 queries and walks the group's keys in tiles of 64 with an
// online softmax (running max and sum), everything in f32. qkv [M, 3C] holds q | k | v after bias and RoPE; out
// [M, C] gets head h at columns 64h.. (heads concatenated, as o_proj takes them).
// Grid (ceil(n/64), windows per frame or key splits, B·H), 256 threads: thread (ty, tx) owns query rows 4ty..4ty+3,
// key columns 4tx..4tx+3 of a score tile and head dims 4tx..4tx+3 of the output. Dynamic shared memory: 4·64·68
// floats. Global attention may split the keys over `splits` CTAs (blockIdx.y = split) when the frame's queries alone
// give too few CTAs to fill the GPU: each writes its un-normalised output and (max, sum) to part_o [S, B·H·n, 64] and
// part_ml [S, B·H·n, 2], and attention_combine merges them (the flash-decoding rescale).
template <typename T>
__device__ void attention(const float* __restrict__ qkv, T* __restrict__ out, int hp, int wp, int heads, int win,
    float scale, int splits, float* __restrict__ part_o, float* __restrict__ part_ml) {
  extern __shared__ float smem[];
  float* qt = smem;                       // [64 dims][LD]: qt[d][i] = q_i[d]·scale
  float* kt = qt + 64 * ATT_LD;           // [64 dims][LD]: kt[d][j] = k_j[d]
  float* vs = kt + 64 * ATT_LD;           // [64 keys][LD]: vs[j][d]
  float* ps = vs + 64 * ATT_LD;           // [64 queries][LD]: probabilities of the current key tile
  const int c = heads * 64, ld = 3 * c, np = hp * wp;
  const int f = blockIdx.z / heads, h = blockIdx.z % heads;
  const int n = win > 0 ? win * win : np;
  const int q0 = blockIdx.x * ATT_TILE;
  int wr0 = 0, wc0 = 0;
  if (win > 0) {
    int per_row = wp / win;
    wr0 = (blockIdx.y / per_row) * win;
    wc0 = (blockIdx.y % per_row) * win;
  }
  const int split = win > 0 ? 0 : (int) blockIdx.y, ntiles = (n + ATT_TILE - 1) / ATT_TILE;
  const int k_begin = split * ntiles / splits * ATT_TILE, k_end = min(n, (split + 1) * ntiles / splits * ATT_TILE);
  const float* base = qkv + (long long) f * np * ld + h * 64;
  const int tid = threadIdx.x, tx = tid & 15, ty = tid >> 4;

  for (int it = 0; it < 4; it++) {        // q tile, transposed: consecutive threads take consecutive queries
    int idx = it * 256 + tid, i = idx & 63, d4 = idx >> 6, g = q0 + i;
    f4 v = {0.0f, 0.0f, 0.0f, 0.0f};
    if (g < n) {
      int row = win > 0 ? (wr0 + g / win) * wp + wc0 + g % win : g;
      v = *reinterpret_cast<const f4*>(base + (long long) row * ld + d4 * 4);
    }
    qt[(d4 * 4 + 0) * ATT_LD + i] = v.x * scale;
    qt[(d4 * 4 + 1) * ATT_LD + i] = v.y * scale;
    qt[(d4 * 4 + 2) * ATT_LD + i] = v.z * scale;
    qt[(d4 * 4 + 3) * ATT_LD + i] = v.w * scale;
  }

  float m[4], l[4], o[4][4];
  for (int a = 0; a < 4; a++) {
    m[a] = neg_inf();
    l[a] = 0.0f;
    for (int cc = 0; cc < 4; cc++) o[a][cc] = 0.0f;
  }

  for (int k0 = k_begin; k0 < k_end; k0 += ATT_TILE) {
    __syncthreads();                      // the previous tile's kt, vs and ps are no longer read
    for (int it = 0; it < 4; it++) {
      int idx = it * 256 + tid;
      int i = idx & 63, d4 = idx >> 6, g = k0 + i;       // k, transposed like q
      f4 kv = {0.0f, 0.0f, 0.0f, 0.0f};
      if (g < n) {
        int row = win > 0 ? (wr0 + g / win) * wp + wc0 + g % win : g;
        kv = *reinterpret_cast<const f4*>(base + (long long) row * ld + c + d4 * 4);
      }
      kt[(d4 * 4 + 0) * ATT_LD + i] = kv.x;
      kt[(d4 * 4 + 1) * ATT_LD + i] = kv.y;
      kt[(d4 * 4 + 2) * ATT_LD + i] = kv.z;
      kt[(d4 * 4 + 3) * ATT_LD + i] = kv.w;
      int j = idx >> 4, e4 = idx & 15, gv = k0 + j;      // v, row-major: consecutive threads read one row
      f4 vv = {0.0f, 0.0f, 0.0f, 0.0f};
      if (gv < n) {
        int row = win > 0 ? (wr0 + gv / win) * wp + wc0 + gv % win : gv;
        vv = *reinterpret_cast<const f4*>(base + (long long) row * ld + 2 * c + e4 * 4);
      }
      *reinterpret_cast<f4*>(vs + j * ATT_LD + e4 * 4) = vv;
    }
    __syncthreads();

    float s[4][4];
    for (int a = 0; a < 4; a++) for (int cc = 0; cc < 4; cc++) s[a][cc] = 0.0f;
#pragma unroll 8
    for (int d = 0; d < 64; d++) {
      f4 qa = *reinterpret_cast<const f4*>(qt + d * ATT_LD + ty * 4);
      f4 kb = *reinterpret_cast<const f4*>(kt + d * ATT_LD + tx * 4);
      float qv[4] = {qa.x, qa.y, qa.z, qa.w}, kv[4] = {kb.x, kb.y, kb.z, kb.w};
      for (int a = 0; a < 4; a++) for (int cc = 0; cc < 4; cc++) s[a][cc] = fmaf(qv[a], kv[cc], s[a][cc]);
    }

    // Online softmax per query row; a row's 64 columns live in the 16 lanes that share ty (one half-warp), and
    // column k0 < n is always a real key, so every row max is finite. (Keys beyond n are masked; keys of another
    // split never enter this loop.)
    for (int a = 0; a < 4; a++) {
      float mx = neg_inf();
      for (int cc = 0; cc < 4; cc++) {
        if (k0 + tx * 4 + cc >= n) s[a][cc] = neg_inf();
        mx = fmaxf(mx, s[a][cc]);
      }
      for (int sh = 8; sh > 0; sh >>= 1) mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, sh));
      float mnew = fmaxf(m[a], mx);
      float alpha = expf(m[a] - mnew);
      f4 pr;
      pr.x = expf(s[a][0] - mnew);
      pr.y = expf(s[a][1] - mnew);
      pr.z = expf(s[a][2] - mnew);
      pr.w = expf(s[a][3] - mnew);
      float sum = pr.x + pr.y + pr.z + pr.w;
      for (int sh = 8; sh > 0; sh >>= 1) sum += __shfl_xor_sync(0xffffffffu, sum, sh);
      l[a] = l[a] * alpha + sum;
      m[a] = mnew;
      for (int cc = 0; cc < 4; cc++) o[a][cc] *= alpha;
      *reinterpret_cast<f4*>(ps + (ty * 4 + a) * ATT_LD + tx * 4) = pr;
    }
    __syncthreads();

#pragma unroll 4
    for (int j = 0; j < 64; j++) {
      f4 vv = *reinterpret_cast<const f4*>(vs + j * ATT_LD + tx * 4);
      for (int a = 0; a < 4; a++) {
        float pa = ps[(ty * 4 + a) * ATT_LD + j];
        o[a][0] = fmaf(pa, vv.x, o[a][0]);
        o[a][1] = fmaf(pa, vv.y, o[a][1]);
        o[a][2] = fmaf(pa, vv.z, o[a][2]);
        o[a][3] = fmaf(pa, vv.w, o[a][3]);
      }
    }
  }

  for (int a = 0; a < 4; a++) {
    int g = q0 + ty * 4 + a;
    if (g >= n) continue;
    if (splits > 1) {
      long long q = (long long) split * gridDim.z * n + (long long) blockIdx.z * n + g;
      for (int cc = 0; cc < 4; cc++) part_o[q * 64 + tx * 4 + cc] = o[a][cc];
      if (tx == 0) {
        part_ml[q * 2] = m[a];
        part_ml[q * 2 + 1] = l[a];
      }
      continue;
    }
    int row = win > 0 ? (wr0 + g / win) * wp + wc0 + g % win : g;
    float inv = 1.0f / l[a];
    T* dst = out + ((long long) f * np + row) * c + h * 64 + tx * 4;
    for (int cc = 0; cc < 4; cc++) put(dst + cc, o[a][cc] * inv);
  }
}

// Merges the key splits of global attention: o = Σ_s e^(m_s − M)·o_s / Σ_s e^(m_s − M)·l_s, M = max_s m_s, for each
// (frame, head, query, dim) — one thread each; out [B·P, C] as attention writes it.
template <typename T>
__device__ void attention_combine(const float* __restrict__ part_o, const float* __restrict__ part_ml,
    T* __restrict__ out, int b, int heads, int np, int splits) {
  long long per = (long long) b * heads * np, total = per * 64;
  for (long long e = thread_index(); e < total; e += thread_count()) {
    long long q = e / 64;
    int d = (int) (e % 64), bh = (int) (q / np), g = (int) (q % np);
    float mx = neg_inf();
    for (int s = 0; s < splits; s++) mx = fmaxf(mx, part_ml[(s * per + q) * 2]);
    float num = 0.0f, den = 0.0f;
    for (int s = 0; s < splits; s++) {
      float w = expf(part_ml[(s * per + q) * 2] - mx);
      num += w * part_o[(s * per + q) * 64 + d];
      den += w * part_ml[(s * per + q) * 2 + 1];
    }
    int f = bh / heads, h = bh % heads, c = heads * 64;
    put(out + ((long long) f * np + g) * c + h * 64 + d, num / den);
  }
}

// SwiGLU (§3.2): gu [M, 2F] holds gate | up (one GEMM with the two weights stacked), stored as T like the output
// (a bf16 GEMM writes bf16, halving this kernel's reads); h [M, F] = silu(gate)·up in f32, silu(g) = g / (1 + e^−g)
// as ReferenceKernels computes it.
__device__ __forceinline__ float get(const float* p) { return *p; }
__device__ __forceinline__ float get(const bf16_t* p) { return __uint_as_float(((unsigned int) *p) << 16); }

// Four consecutive values at p (16-byte aligned for float, 8 for bf16).
__device__ __forceinline__ f4 get4(const float* p) { return *reinterpret_cast<const f4*>(p); }
__device__ __forceinline__ f4 get4(const bf16_t* p) {
  u2 w = *reinterpret_cast<const u2*>(p);
  return {__uint_as_float(w.x << 16), __uint_as_float(w.x & 0xffff0000u), __uint_as_float(w.y << 16),
      __uint_as_float(w.y & 0xffff0000u)};
}

template <typename T>
__device__ void swiglu(const T* __restrict__ gu, T* __restrict__ hout, int m, int f) {
  long long total = (long long) m * f;
  if (f % 4 == 0 && SMALL(total)) {             // four columns per thread, 16-byte loads (the host launches total/4)
    int f4n = f / 4, tot = (int) (total / 4), step = (int) thread_count();
    for (int e = (int) thread_index(); e < tot; e += step) {
      int r = e / f4n, col = (e - r * f4n) * 4;
      const T* row = gu + (long long) r * 2 * f;
      f4 g = get4(row + col), u = get4(row + f + col);
      put4(hout + (long long) r * f + col, g.x / (1.0f + expf(-g.x)) * u.x, g.y / (1.0f + expf(-g.y)) * u.y,
          g.z / (1.0f + expf(-g.z)) * u.z, g.w / (1.0f + expf(-g.w)) * u.w);
    }
    return;
  }
  for (long long e = thread_index(); e < total; e += thread_count()) {
    long long r = e / f;
    int col = (int) (e % f);
    float g = get(gu + r * 2 * f + col), u = get(gu + r * 2 * f + f + col);
    put(hout + e, g / (1.0f + expf(-g)) * u);
  }
}

// §3.4 unfold: final-normed patches x [B·P, C] → u [B·n, U]; merged token (r, c) concatenates the merge×merge patches
// (merge·r + ki, merge·c + kj) channel-major, feature ch·merge² + ki·merge + kj (the order of F.unfold).
template <typename T, typename I>
__device__ void unfold_at(const float* __restrict__ x, T* __restrict__ u, int hp, int wp, int c, int k, I total) {
  int nw = wp / k, n = (hp / k) * nw, kk = k * k, uw = c * kk, np = hp * wp;
  for (I e = (I) thread_index(); e < total; e += (I) thread_count()) {
    I row = e / uw;
    int col = (int) (e - row * uw), f = (int) (row / n), t = (int) (row - (I) f * n);
    int ch = col / kk, rem = col % kk;
    int pr = (t / nw) * k + rem / k, pc = (t % nw) * k + rem % k;
    put(u + e, x[((long long) f * np + pr * wp + pc) * c + ch]);
  }
}

template <typename T>
__device__ void unfold(const float* __restrict__ x, T* __restrict__ u, int b, int hp, int wp, int c, int k) {
  long long total = (long long) b * (hp / k) * (wp / k) * c * k * k;
  if (SMALL(total)) unfold_at<T, int>(x, u, hp, wp, c, k, (int) total);
  else unfold_at<T, long long>(x, u, hp, wp, c, k, total);
}

// fc1's bias and the exact GELU of §3.4, 0.5·x·(1 + erf(x/√2)), in double and rounded to f32 as tensor's Erf.gelu.
template <typename T>
__device__ void bias_gelu(const float* __restrict__ hid, const float* __restrict__ bias, T* __restrict__ g, int m,
    int a) {
  long long total = (long long) m * a;
  for (long long e = thread_index(); e < total; e += thread_count()) {
    double v = (double) (hid[e] + bias[e % a]);
    put(g + e, (float) (0.5 * v * (1.0 + erf(v / sqrt(2.0)))));
  }
}

// §4.2-§4.3: the image block's input rows [T, d]: slot t takes aligner row slot[t] when slot[t] >= 0, else the
// special embedding specials[−1 − slot[t]] (START, PAD, IMAGE unused, NEWLINE, END: the slot types of ImageBlock).
extern "C" __global__ void image_block_embed(const float* __restrict__ rows, const int* __restrict__ slot,
    const float* __restrict__ specials, float* __restrict__ out, int t, int d) {
  long long total = (long long) t * d;
  for (long long e = thread_index(); e < total; e += thread_count()) {
    int s = slot[e / d], col = (int) (e % d);
    out[e] = s >= 0 ? rows[(long long) s * d + col] : specials[(long long) (-1 - s) * d + col];
  }
}

#define INSTANCES(T, SUFFIX)                                                                                         \
  extern "C" __global__ void patch_u8_##SUFFIX(const unsigned char* rgb, T* out, int b, int gh, int gw, int p,     \
      int ldk) {                                                                                                    \
    patches<T, true>(rgb, out, b, gh, gw, p, ldk);                                                                  \
  }                                                                                                                 \
  extern "C" __global__ void patch_pix_##SUFFIX(const float* pix, T* out, int b, int gh, int gw, int p, int ldk) {  \
    patches<T, false>(pix, out, b, gh, gw, p, ldk);                                                                 \
  }                                                                                                                 \
  extern "C" __global__ void residual_rmsnorm_##SUFFIX(float* x, const float* res, const float* rbias,              \
      const float* w, T* y, int m, int c, float eps) {                                                              \
    residual_rmsnorm<T>(x, res, rbias, w, y, m, c, eps);                                                            \
  }                                                                                                                 \
  extern "C" __global__ void attention_##SUFFIX(const float* qkv, T* out, int hp, int wp, int heads, int win,       \
      float scale, int splits, float* part_o, float* part_ml) {                                                     \
    attention<T>(qkv, out, hp, wp, heads, win, scale, splits, part_o, part_ml);                                     \
  }                                                                                                                 \
  extern "C" __global__ void attention_combine_##SUFFIX(const float* part_o, const float* part_ml, T* out, int b,    \
      int heads, int np, int splits) {                                                                              \
    attention_combine<T>(part_o, part_ml, out, b, heads, np, splits);                                               \
  }                                                                                                                 \
  extern "C" __global__ void swiglu_##SUFFIX(const T* gu, T* hout, int m, int f) { swiglu<T>(gu, hout, m, f); }     \
  extern "C" __global__ void unfold_##SUFFIX(const float* x, T* u, int b, int hp, int wp, int c, int k) {          \
    unfold<T>(x, u, b, hp, wp, c, k);                                                                               \
  }                                                                                                                 \
  extern "C" __global__ void bias_gelu_##SUFFIX(const float* hid, const float* bias, T* g, int m, int a) {          \
    bias_gelu<T>(hid, bias, g, m, a);                                                                               \
  }

INSTANCES(float, f32)
INSTANCES(bf16_t, bf16)
