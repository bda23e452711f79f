// Attention of the vision encoder (docs/model.md §3.2) on tensor cores, for bf16 storage: the same computation and
// outputs as encoder.cu's attention_bf16 — global (win = 0, with the key splits and their partial (o, m, l) for
// attention_combine_bf16) or inside win×win windows (one CTA per window: its ≤ 64 tokens are one tile), with q·kᵀ and p·v as bf16 mma.sync.m16n8k16 products accumulated in f32.
// Compiled by NVRTC like encoder.cu (no #include, no library types); a separate module because the CPU stand-in of
// the tests compiles encoder.cu as C++ and has no tensor cores. sm_80 and later (H100: sm_90, Jetson Orin: sm_87);
// the host uses it only there.
//
// A CTA of 4 warps owns 64 queries of one (frame, head, key split or window); warp w owns queries 16w … 16w+15. Per key tile of
// 64: K (row-major) and V (transposed) go to shared memory as bf16; S = Q·Kᵀ is 8 n-tiles of 16×8 per warp; the online
// softmax runs on the accumulator fragments (rows g and g+8 of the warp's 16, reduced over the 4 lanes of a quad);
// P's fragments are repacked as the A operand of P·V without leaving registers.
// Fragment layouts (PTX ISA, mma.m16n8k16, .bf16): lane = 4g + t. A (16×16, row): regs {A[g][2t..], A[g+8][2t..],
// A[g][2t+8..], A[g+8][2t+8..]}; B (16×8, col): regs {B[2t..][g], B[2t+8..][g]}; C/D (16×8): {C[g][2t], C[g][2t+1],
// C[g+8][2t], C[g+8][2t+1]}. The element of the lower index sits in the lower 16 bits of a register.

typedef unsigned short bf16_t;

#define TC_LD 72                          // bf16 per shared row (64 + 8): rows 36 words apart, conflict-free fragments

__device__ __forceinline__ float tc_neg_inf() { return __int_as_float(0xff800000); }

// f32 → bf16, round to nearest even (as encoder.cu's f32_to_bf16).
__device__ __forceinline__ bf16_t tc_bf16(float f) {
  unsigned int u = __float_as_uint(f);
  if ((u & 0x7fffffffu) > 0x7f800000u) return (bf16_t) ((u >> 16) | 0x40u);
  u += 0x7fffu + ((u >> 16) & 1u);
  return (bf16_t) (u >> 16);
}

__device__ __forceinline__ unsigned int tc_pack(float lo, float hi) {
  return (unsigned int) tc_bf16(lo) | ((unsigned int) tc_bf16(hi) << 16);
}

__device__ __forceinline__ unsigned int tc_word(const bf16_t* p) { return *reinterpret_cast<const unsigned int*>(p); }

// d += a · b, one m16n8k16 bf16 product with f32 accumulation.
__device__ __forceinline__ void tc_mma(float* d, const unsigned int* a, unsigned int b0, unsigned int b1) {
#if __CUDA_ARCH__ >= 800
  asm volatile(
      "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
#endif
}

struct alignas(16) tc_f4 { float x, y, z, w; };

// Row of token g of the frame's attention set: the window's g-th patch (row-major inside it) or patch g.
__device__ __forceinline__ int tc_row(int g, int win, int wr0, int wc0, int wp) {
  return win > 0 ? (wr0 + g / win) * wp + wc0 + g % win : g;
}

// qkv [B·P, 3C] (f32, RoPE applied), out [B·P, C] bf16; grid (query tiles, splits or windows, B·H), 128 threads.
// Windows (win > 0) need win² ≤ 64 and splits = 1.
extern "C" __global__ void __launch_bounds__(128) attention_tc_bf16(const float* __restrict__ qkv,
    bf16_t* __restrict__ out, int hp, int wp, int heads, int win, float scale, int splits, float* __restrict__ part_o,
    float* __restrict__ part_ml) {
  __shared__ __align__(16) bf16_t qs[64 * TC_LD];
  __shared__ __align__(16) bf16_t ks[64 * TC_LD];
  __shared__ __align__(16) bf16_t vt[64 * TC_LD];      // vt[dim][key]
  const int c = heads * 64, ld = 3 * c, np = hp * wp, n = win > 0 ? win * win : np;
  const int f = blockIdx.z / heads, h = blockIdx.z % heads;
  int wr0 = 0, wc0 = 0;
  if (win > 0) {
    int per_row = wp / win;
    wr0 = (blockIdx.y / per_row) * win;
    wc0 = (blockIdx.y % per_row) * win;
  }
  const int q0 = blockIdx.x * 64, split = win > 0 ? 0 : (int) blockIdx.y, ntiles = (n + 63) / 64;
  const int k_begin = split * ntiles / splits * 64, k_end = min(n, (split + 1) * ntiles / splits * 64);
  const float* base = qkv + (long long) f * np * ld + h * 64;
  const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31, g = lane >> 2, t = lane & 3;

  for (int it = 0; it < 8; it++) {                      // Q tile, scaled, as bf16: 64 rows × 16 float4
    int idx = it * 128 + tid, r = idx >> 4, d4 = (idx & 15) * 4, gq = q0 + r;
    tc_f4 v = {0.0f, 0.0f, 0.0f, 0.0f};
    if (gq < n) v = *reinterpret_cast<const tc_f4*>(base + (long long) tc_row(gq, win, wr0, wc0, wp) * ld + d4);
    bf16_t* dst = qs + r * TC_LD + d4;
    dst[0] = tc_bf16(v.x * scale);
    dst[1] = tc_bf16(v.y * scale);
    dst[2] = tc_bf16(v.z * scale);
    dst[3] = tc_bf16(v.w * scale);
  }
  __syncthreads();
  unsigned int qa[4][4];
  const int r0 = warp * 16 + g;
#pragma unroll
  for (int kk = 0; kk < 4; kk++) {
    int col = kk * 16 + 2 * t;
    qa[kk][0] = tc_word(qs + r0 * TC_LD + col);
    qa[kk][1] = tc_word(qs + (r0 + 8) * TC_LD + col);
    qa[kk][2] = tc_word(qs + r0 * TC_LD + col + 8);
    qa[kk][3] = tc_word(qs + (r0 + 8) * TC_LD + col + 8);
  }

  float m0 = tc_neg_inf(), m1 = tc_neg_inf(), l0 = 0.0f, l1 = 0.0f;
  float o[8][4];
#pragma unroll
  for (int nt = 0; nt < 8; nt++) o[nt][0] = o[nt][1] = o[nt][2] = o[nt][3] = 0.0f;

  for (int k0 = k_begin; k0 < k_end; k0 += 64) {
    __syncthreads();                                    // the previous tile's ks and vt are no longer read
    for (int it = 0; it < 8; it++) {
      int idx = it * 128 + tid, r = idx >> 4, d4 = (idx & 15) * 4, gk = k0 + r;
      tc_f4 kv = {0.0f, 0.0f, 0.0f, 0.0f}, vv = {0.0f, 0.0f, 0.0f, 0.0f};
      if (gk < n) {
        const float* src = base + (long long) tc_row(gk, win, wr0, wc0, wp) * ld;
        kv = *reinterpret_cast<const tc_f4*>(src + c + d4);
        vv = *reinterpret_cast<const tc_f4*>(src + 2 * c + d4);
      }
      bf16_t* kd = ks + r * TC_LD + d4;
      kd[0] = tc_bf16(kv.x);
      kd[1] = tc_bf16(kv.y);
      kd[2] = tc_bf16(kv.z);
      kd[3] = tc_bf16(kv.w);
      vt[(d4 + 0) * TC_LD + r] = tc_bf16(vv.x);
      vt[(d4 + 1) * TC_LD + r] = tc_bf16(vv.y);
      vt[(d4 + 2) * TC_LD + r] = tc_bf16(vv.z);
      vt[(d4 + 3) * TC_LD + r] = tc_bf16(vv.w);
    }
    __syncthreads();

    float s[8][4];
#pragma unroll
    for (int nt = 0; nt < 8; nt++) {                    // S = Q·Kᵀ, keys nt·8 … nt·8+7
      s[nt][0] = s[nt][1] = s[nt][2] = s[nt][3] = 0.0f;
      const bf16_t* krow = ks + (nt * 8 + g) * TC_LD + 2 * t;
#pragma unroll
      for (int kk = 0; kk < 4; kk++) tc_mma(s[nt], qa[kk], tc_word(krow + kk * 16), tc_word(krow + kk * 16 + 8));
    }
    float mx0 = tc_neg_inf(), mx1 = tc_neg_inf();
#pragma unroll
    for (int nt = 0; nt < 8; nt++) {
      int col = k0 + nt * 8 + 2 * t;
      if (col >= n) s[nt][0] = s[nt][2] = tc_neg_inf();
      if (col + 1 >= n) s[nt][1] = s[nt][3] = tc_neg_inf();
      mx0 = fmaxf(mx0, fmaxf(s[nt][0], s[nt][1]));
      mx1 = fmaxf(mx1, fmaxf(s[nt][2], s[nt][3]));
    }
    for (int sh = 1; sh < 4; sh <<= 1) {                // the 4 lanes of a quad share rows g and g+8
      mx0 = fmaxf(mx0, __shfl_xor_sync(0xffffffffu, mx0, sh));
      mx1 = fmaxf(mx1, __shfl_xor_sync(0xffffffffu, mx1, sh));
    }
    float mn0 = fmaxf(m0, mx0), mn1 = fmaxf(m1, mx1);  // finite: key k0 < n is real
    float a0 = expf(m0 - mn0), a1 = expf(m1 - mn1), sum0 = 0.0f, sum1 = 0.0f;
#pragma unroll
    for (int nt = 0; nt < 8; nt++) {
      s[nt][0] = expf(s[nt][0] - mn0);
      s[nt][1] = expf(s[nt][1] - mn0);
      s[nt][2] = expf(s[nt][2] - mn1);
      s[nt][3] = expf(s[nt][3] - mn1);
      sum0 += s[nt][0] + s[nt][1];
      sum1 += s[nt][2] + s[nt][3];
      o[nt][0] *= a0;
      o[nt][1] *= a0;
      o[nt][2] *= a1;
      o[nt][3] *= a1;
    }
    for (int sh = 1; sh < 4; sh <<= 1) {
      sum0 += __shfl_xor_sync(0xffffffffu, sum0, sh);
      sum1 += __shfl_xor_sync(0xffffffffu, sum1, sh);
    }
    l0 = l0 * a0 + sum0;
    l1 = l1 * a1 + sum1;
    m0 = mn0;
    m1 = mn1;
#pragma unroll
    for (int kk = 0; kk < 4; kk++) {                    // O += P·V over keys kk·16 … kk·16+15
      unsigned int pa[4] = {tc_pack(s[2 * kk][0], s[2 * kk][1]), tc_pack(s[2 * kk][2], s[2 * kk][3]),
          tc_pack(s[2 * kk + 1][0], s[2 * kk + 1][1]), tc_pack(s[2 * kk + 1][2], s[2 * kk + 1][3])};
#pragma unroll
      for (int nt = 0; nt < 8; nt++) {
        const bf16_t* vrow = vt + (nt * 8 + g) * TC_LD + kk * 16 + 2 * t;
        tc_mma(o[nt], pa, tc_word(vrow), tc_word(vrow + 8));
      }
    }
  }

  for (int half = 0; half < 2; half++) {
    int row = q0 + warp * 16 + g + 8 * half;
    if (row >= n) continue;
    float m = half ? m1 : m0, l = half ? l1 : l0;
    if (splits > 1) {
      long long q = (long long) split * gridDim.z * n + (long long) blockIdx.z * n + row;
#pragma unroll
      for (int nt = 0; nt < 8; nt++) {
        part_o[q * 64 + nt * 8 + 2 * t] = o[nt][2 * half];
        part_o[q * 64 + nt * 8 + 2 * t + 1] = o[nt][2 * half + 1];
      }
      if (t == 0) {
        part_ml[q * 2] = m;
        part_ml[q * 2 + 1] = l;
      }
      continue;
    }
    float inv = 1.0f / l;
    bf16_t* dst = out + ((long long) f * np + tc_row(row, win, wr0, wc0, wp)) * c + h * 64 + 2 * t;
#pragma unroll
    for (int nt = 0; nt < 8; nt++) {
      dst[nt * 8] = tc_bf16(o[nt][2 * half] * inv);
      dst[nt * 8 + 1] = tc_bf16(o[nt][2 * half + 1] * inv);
    }
  }
}
