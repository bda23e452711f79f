// Attention of the vision encoder (docs/model.md §3.2) on tensor cores, for bf16 storage: the same computation and
// outputs as encoder.cu's attention_bf16, with q·kᵀ and p·v as bf16 mma.sync.m16n8k16 products accumulated in f32.
// Compiled by NVRTC like encoder.cu (no #include, no library types); a separate module because the CPU stand-in of
// the tests compiles encoder.cu as C++ and has no tensor cores. sm_80 and later (H100: sm_90, Jetson Orin: sm_87);
// the host uses it only there.
//
// Two paths:
// - windows (attention_tc_bf16): one CTA of 4 warps per (frame, head, window); its ≤ 64 tokens are one tile, read
//   from the f32 qkv rows and rounded to bf16 in shared memory.
// - global (flash_pack_bf16, then flash_tc_bf16): the pack writes q (scaled by scale·log2 e), k and vᵀ as bf16 per
//   (frame, head), zero-padded to whole tiles, once per layer; the flash kernel gives each CTA of FL_WARPS warps
//   16 queries each and streams 64-key tiles of k and vᵀ into shared memory with cp.async, double-buffered, so
//   loading the next tile overlaps the products of this one.
// Both can take the QKV GEMM's raw output and add the biases and RoPE as they load it (tc_load_qkv); both run the
// softmax in base 2 (exp2 of scores already in log2 units).
//
// Inside a warp (16 queries, rows g and g+8 of its tile): S = Q·Kᵀ is 8 n-tiles of 16×8; the online softmax runs on
// the accumulator fragments (reduced over the 4 lanes of a quad); P's fragments are repacked as the A operand of P·V
// without leaving registers.
// Fragment layouts (PTX ISA, mma.m16n8k16, .bf16): lane = 4g + t. A (16×16, row): regs {A[g][2t..], A[g+8][2t..],
// A[g][2t+8..], A[g+8][2t+8..]}; B (16×8, col): regs {B[2t..][g], B[2t+8..][g]}; C/D (16×8): {C[g][2t], C[g][2t+1],
// C[g+8][2t], C[g+8][2t+1]}. The element of the lower index sits in the lower 16 bits of a register.

typedef unsigned short bf16_t;

#define TC_LD 72                          // bf16 per shared row (64 + 8): rows 36 words apart, conflict-free fragments
#define FL_WARPS 6                        // warps of a flash_tc_bf16 CTA (EncoderKernels.FLASH_WARPS)
#define FL_THREADS (FL_WARPS * 32)
#define FL_QUERIES (FL_WARPS * 16)        // queries of a flash_tc_bf16 CTA

__device__ __forceinline__ float tc_neg_inf() { return __int_as_float(0xff800000); }

// f32 → bf16, round to nearest even (as encoder.cu's f32_to_bf16).
__device__ __forceinline__ bf16_t tc_bf16(float f) {
  unsigned int u = __float_as_uint(f);
  if ((u & 0x7fffffffu) > 0x7f800000u) return (bf16_t) ((u >> 16) | 0x40u);
  u += 0x7fffu + ((u >> 16) & 1u);
  return (bf16_t) (u >> 16);
}

// Two f32 → bf16x2 (lo in the lower half), round to nearest even: one cvt on sm_80+.
__device__ __forceinline__ unsigned int tc_pack(float lo, float hi) {
#if __CUDA_ARCH__ >= 800
  unsigned int d;
  asm("cvt.rn.bf16x2.f32 %0, %1, %2;\n" : "=r"(d) : "f"(hi), "f"(lo));
  return d;
#else
  return (unsigned int) tc_bf16(lo) | ((unsigned int) tc_bf16(hi) << 16);
#endif
}

// 2^x in one MUFU instruction (ex2.approx, flush to zero; 2^−inf = 0), as FlashAttention's softmax.
__device__ __forceinline__ float tc_exp2(float x) {
  float y;
  asm("ex2.approx.ftz.f32 %0, %1;\n" : "=f"(y) : "f"(x));
  return y;
}

// Shared-memory address of p for ldmatrix / cp.async.
__device__ __forceinline__ unsigned int tc_smem(const void* p) {
  unsigned int a;
  asm("{ .reg .u64 t; cvta.to.shared.u64 t, %1; cvt.u32.u64 %0, t; }\n" : "=r"(a) : "l"(p));
  return a;
}

// Four 8×8 bf16 matrices from shared memory: lane 8j + i gives the address of row i of matrix j; register j of lane
// 4g + t receives matrix j's row g, columns 2t and 2t+1 (sm_75+).
__device__ __forceinline__ void tc_ldm4(unsigned int (&r)[4], unsigned int addr) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
      : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3]) : "r"(addr));
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
struct alignas(8) tc_u2 { unsigned int x, y; };
struct alignas(8) tc_f2 { float x, y; };

// One 64-key tile into a warp's online softmax over its 16 queries (m, l per row g and g+8 in log2 units; o [8 dim
// tiles][4]): ks [key][dim] and vt [dim][key] in shared memory (TC_LD), given as the shared addresses of this lane's
// ldmatrix row (row lane & 7, column 8·(lane >> 3) of each); keys ≥ valid masked; qa holds Q in log2 units.
// Fragments come by ldmatrix: for S, matrix j of (keys nt·8…, dims 32h + 8j) is B's b0 (j even) or b1 (j odd) of
// k-step 2h + j/2; for P·V likewise with (dims nt·8…, keys 32h + 8j).
__device__ __forceinline__ void tc_tile(const unsigned int (&qa)[4][4], unsigned int ks_lane, unsigned int vt_lane,
    int valid, int t, float& m0, float& m1, float& l0, float& l1, float (&o)[8][4]) {
  float s[8][4];
#pragma unroll
  for (int nt = 0; nt < 8; nt++) {                      // S = Q·Kᵀ, keys nt·8 … nt·8+7
    s[nt][0] = s[nt][1] = s[nt][2] = s[nt][3] = 0.0f;
#pragma unroll
    for (int h = 0; h < 2; h++) {
      unsigned int b[4];
      tc_ldm4(b, ks_lane + 2 * (nt * 8 * TC_LD + h * 32));
      tc_mma(s[nt], qa[2 * h], b[0], b[1]);
      tc_mma(s[nt], qa[2 * h + 1], b[2], b[3]);
    }
  }
  if (valid < 64) {
#pragma unroll
    for (int nt = 0; nt < 8; nt++) {
      int col = nt * 8 + 2 * t;
      if (col >= valid) s[nt][0] = s[nt][2] = tc_neg_inf();
      if (col + 1 >= valid) s[nt][1] = s[nt][3] = tc_neg_inf();
    }
  }
  float mx0 = tc_neg_inf(), mx1 = tc_neg_inf();
#pragma unroll
  for (int nt = 0; nt < 8; nt++) {
    mx0 = fmaxf(mx0, fmaxf(s[nt][0], s[nt][1]));
    mx1 = fmaxf(mx1, fmaxf(s[nt][2], s[nt][3]));
  }
#pragma unroll
  for (int sh = 1; sh < 4; sh <<= 1) {                  // the 4 lanes of a quad share rows g and g+8
    mx0 = fmaxf(mx0, __shfl_xor_sync(0xffffffffu, mx0, sh));
    mx1 = fmaxf(mx1, __shfl_xor_sync(0xffffffffu, mx1, sh));
  }
  float mn0 = fmaxf(m0, mx0), mn1 = fmaxf(m1, mx1);    // finite: key 0 of the tile is real
  float a0 = tc_exp2(m0 - mn0), a1 = tc_exp2(m1 - mn1), sum0 = 0.0f, sum1 = 0.0f;
#pragma unroll
  for (int nt = 0; nt < 8; nt++) {
    s[nt][0] = tc_exp2(s[nt][0] - mn0);
    s[nt][1] = tc_exp2(s[nt][1] - mn0);
    s[nt][2] = tc_exp2(s[nt][2] - mn1);
    s[nt][3] = tc_exp2(s[nt][3] - mn1);
    sum0 += s[nt][0] + s[nt][1];
    sum1 += s[nt][2] + s[nt][3];
    o[nt][0] *= a0;
    o[nt][1] *= a0;
    o[nt][2] *= a1;
    o[nt][3] *= a1;
  }
#pragma unroll
  for (int sh = 1; sh < 4; sh <<= 1) {
    sum0 += __shfl_xor_sync(0xffffffffu, sum0, sh);
    sum1 += __shfl_xor_sync(0xffffffffu, sum1, sh);
  }
  l0 = l0 * a0 + sum0;
  l1 = l1 * a1 + sum1;
  m0 = mn0;
  m1 = mn1;
#pragma unroll
  for (int h = 0; h < 2; h++) {                         // O += P·V over keys 32h … 32h+31 (k-steps 2h, 2h+1)
    unsigned int pa[2][4];
#pragma unroll
    for (int j = 0; j < 2; j++) {
      int kk = 2 * h + j;
      pa[j][0] = tc_pack(s[2 * kk][0], s[2 * kk][1]);
      pa[j][1] = tc_pack(s[2 * kk][2], s[2 * kk][3]);
      pa[j][2] = tc_pack(s[2 * kk + 1][0], s[2 * kk + 1][1]);
      pa[j][3] = tc_pack(s[2 * kk + 1][2], s[2 * kk + 1][3]);
    }
#pragma unroll
    for (int nt = 0; nt < 8; nt++) {
      unsigned int b[4];
      tc_ldm4(b, vt_lane + 2 * (nt * 8 * TC_LD + h * 32));
      tc_mma(o[nt], pa[0], b[0], b[1]);
      tc_mma(o[nt], pa[1], b[2], b[3]);
    }
  }
}

// This lane's ldmatrix row inside a 64 × TC_LD tile at shared address base: row lane & 7, column 8·(lane >> 3).
__device__ __forceinline__ unsigned int tc_lane_row(unsigned int base, int lane) {
  return base + 2 * ((lane & 7) * TC_LD + (lane >> 3) * 8);
}

// Q fragments of a warp's 16 rows (row0 … row0+15, row stride ld bf16) for the 4 k-steps of head dim 64.
__device__ __forceinline__ void tc_load_q(unsigned int (&qa)[4][4], const bf16_t* row0, int ld, int g, int t) {
#pragma unroll
  for (int kk = 0; kk < 4; kk++) {
    int col = kk * 16 + 2 * t;
    qa[kk][0] = tc_word(row0 + g * ld + col);
    qa[kk][1] = tc_word(row0 + (g + 8) * ld + col);
    qa[kk][2] = tc_word(row0 + g * ld + col + 8);
    qa[kk][3] = tc_word(row0 + (g + 8) * ld + col + 8);
  }
}

// One token's channels d4 … d4+3 (lo) and d4+32 … d4+35 (hi), d4 < 32, of head h's q, k and v, from its qkv row
// src (already offset by h·64). With bias non-null the row is the QKV GEMM's raw output: the biases are added and q, k
// rotated by the 2-D RoPE of patch pi (§3.3, rotate-half: channel j pairs with j+32; cos/sin [P, 32]) exactly as
// encoder.cu's qkv_bias_rope does (products unfused), so this replaces that pass; with bias null the row has them.
struct tc_qkv { tc_f4 q_lo, q_hi, k_lo, k_hi, v_lo, v_hi; };

__device__ __forceinline__ void tc_rotate(tc_f4& a, tc_f4& b, const float* cs, const float* sn) {
  float ca[4] = {a.x, a.y, a.z, a.w}, cb[4] = {b.x, b.y, b.z, b.w};
#pragma unroll
  for (int i = 0; i < 4; i++) {
    float na = __fadd_rn(__fmul_rn(ca[i], cs[i]), -__fmul_rn(cb[i], sn[i]));
    cb[i] = __fadd_rn(__fmul_rn(cb[i], cs[i]), __fmul_rn(ca[i], sn[i]));
    ca[i] = na;
  }
  a = {ca[0], ca[1], ca[2], ca[3]};
  b = {cb[0], cb[1], cb[2], cb[3]};
}

__device__ __forceinline__ tc_f4 tc_add(tc_f4 a, const float* b) { return {a.x + b[0], a.y + b[1], a.z + b[2], a.w + b[3]}; }

__device__ __forceinline__ void tc_load_qkv(tc_qkv& x, const float* src, int c, int d4, const float* bias,
    const float* cosv, const float* sinv, int pi) {
  x.q_lo = *reinterpret_cast<const tc_f4*>(src + d4);
  x.q_hi = *reinterpret_cast<const tc_f4*>(src + d4 + 32);
  x.k_lo = *reinterpret_cast<const tc_f4*>(src + c + d4);
  x.k_hi = *reinterpret_cast<const tc_f4*>(src + c + d4 + 32);
  x.v_lo = *reinterpret_cast<const tc_f4*>(src + 2 * c + d4);
  x.v_hi = *reinterpret_cast<const tc_f4*>(src + 2 * c + d4 + 32);
  if (bias == 0) return;
  x.q_lo = tc_add(x.q_lo, bias + d4);
  x.q_hi = tc_add(x.q_hi, bias + d4 + 32);
  x.k_lo = tc_add(x.k_lo, bias + c + d4);
  x.k_hi = tc_add(x.k_hi, bias + c + d4 + 32);
  x.v_lo = tc_add(x.v_lo, bias + 2 * c + d4);
  x.v_hi = tc_add(x.v_hi, bias + 2 * c + d4 + 32);
  const float* cs = cosv + (long long) pi * 32 + d4;
  const float* sn = sinv + (long long) pi * 32 + d4;
  tc_rotate(x.q_lo, x.q_hi, cs, sn);
  tc_rotate(x.k_lo, x.k_hi, cs, sn);
}

__device__ __forceinline__ tc_u2 tc_pack4(tc_f4 v, float s) { return {tc_pack(v.x * s, v.y * s), tc_pack(v.z * s, v.w * s)}; }

// Windowed attention: qkv [B·P, 3C] f32 (biases and RoPE applied, or raw with bias [3C], cos/sin [P, 32] given: see
// tc_load_qkv), out [B·P, C] bf16; grid (1, windows, B·H), 128 threads, win² ≤ 64. qscale = scale·log2 e. Warp w owns
// the window's tokens 16w … 16w+15 (row-major inside the window).
extern "C" __global__ void __launch_bounds__(128) attention_tc_bf16(const float* __restrict__ qkv,
    bf16_t* __restrict__ out, int hp, int wp, int heads, int win, float qscale, const float* __restrict__ bias,
    const float* __restrict__ cosv, const float* __restrict__ sinv) {
  __shared__ __align__(16) bf16_t qs[64 * TC_LD];
  __shared__ __align__(16) bf16_t ks[64 * TC_LD];
  __shared__ __align__(16) bf16_t vt[64 * TC_LD];      // vt[dim][key]
  const int c = heads * 64, ld = 3 * c, np = hp * wp, n = win * win;
  const int f = blockIdx.z / heads, h = blockIdx.z % heads, per_row = wp / win;
  const int wr0 = (blockIdx.y / per_row) * win, wc0 = (blockIdx.y % per_row) * win;
  const float* base = qkv + (long long) f * np * ld + h * 64;
  const float* hbias = bias ? bias + h * 64 : 0;
  const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31, g = lane >> 2, t = lane & 3;

  for (int it = 0; it < 4; it++) {                      // 64 rows × 8 (lo, hi) groups of q (scaled), k and v, as bf16
    int idx = it * 128 + tid, r = idx >> 3, d4 = (idx & 7) * 4;
    tc_qkv x = {};
    if (r < n) {
      int pi = (wr0 + r / win) * wp + wc0 + r % win;
      tc_load_qkv(x, base + (long long) pi * ld, c, d4, hbias, cosv, sinv, pi);
    }
    *reinterpret_cast<tc_u2*>(qs + r * TC_LD + d4) = tc_pack4(x.q_lo, qscale);
    *reinterpret_cast<tc_u2*>(qs + r * TC_LD + d4 + 32) = tc_pack4(x.q_hi, qscale);
    *reinterpret_cast<tc_u2*>(ks + r * TC_LD + d4) = tc_pack4(x.k_lo, 1.0f);
    *reinterpret_cast<tc_u2*>(ks + r * TC_LD + d4 + 32) = tc_pack4(x.k_hi, 1.0f);
    float lo[4] = {x.v_lo.x, x.v_lo.y, x.v_lo.z, x.v_lo.w}, hi[4] = {x.v_hi.x, x.v_hi.y, x.v_hi.z, x.v_hi.w};
#pragma unroll
    for (int i = 0; i < 4; i++) {
      vt[(d4 + i) * TC_LD + r] = tc_bf16(lo[i]);
      vt[(d4 + 32 + i) * TC_LD + r] = tc_bf16(hi[i]);
    }
  }
  __syncthreads();
  if (warp * 16 >= n) return;                           // no query of this warp is in the window
  unsigned int qa[4][4];
  tc_load_q(qa, qs + warp * 16 * TC_LD, TC_LD, g, t);
  float m0 = tc_neg_inf(), m1 = tc_neg_inf(), l0 = 0.0f, l1 = 0.0f, o[8][4];
#pragma unroll
  for (int nt = 0; nt < 8; nt++) o[nt][0] = o[nt][1] = o[nt][2] = o[nt][3] = 0.0f;
  tc_tile(qa, tc_lane_row(tc_smem(ks), lane), tc_lane_row(tc_smem(vt), lane), n, t, m0, m1, l0, l1, o);
  for (int half = 0; half < 2; half++) {
    int r = warp * 16 + g + 8 * half;
    if (r >= n) continue;
    float inv = 1.0f / (half ? l1 : l0);
    bf16_t* dst = out + ((long long) f * np + (wr0 + r / win) * wp + wc0 + r % win) * c + h * 64 + 2 * t;
#pragma unroll
    for (int nt = 0; nt < 8; nt++) {
      *reinterpret_cast<unsigned int*>(dst + nt * 8) = tc_pack(o[nt][2 * half] * inv, o[nt][2 * half + 1] * inv);
    }
  }
}

// Global attention, step 1: qkv [B·P, 3C] f32 (as attention_tc_bf16 takes it, with or without bias, cos, sin) →
// q, k [B·H, Pp, 64] bf16 (q times qscale = scale·log2 e) and vt [B·H, 64, Pp] bf16, rows (columns of vt) P … Pp−1
// zero; Pp a multiple of 64 and of FL_QUERIES. Grid (Pp/64, B·H), 256 threads.
extern "C" __global__ void __launch_bounds__(256) flash_pack_bf16(const float* __restrict__ qkv, bf16_t* __restrict__ q,
    bf16_t* __restrict__ k, bf16_t* __restrict__ vt, int np, int pp, int heads, float qscale,
    const float* __restrict__ bias, const float* __restrict__ cosv, const float* __restrict__ sinv) {
  __shared__ float vs[64][65];                          // [dim][token] of this block's 64 tokens
  const int c = heads * 64, bh = blockIdx.y, f = bh / heads, h = bh % heads, t0 = blockIdx.x * 64, tid = threadIdx.x;
  const float* hbias = bias ? bias + h * 64 : 0;
  for (int it = 0; it < 2; it++) {                      // 64 tokens × 8 (lo, hi) groups
    int idx = it * 256 + tid, r = idx >> 3, d4 = (idx & 7) * 4, tok = t0 + r;
    tc_qkv x = {};
    if (tok < np) tc_load_qkv(x, qkv + ((long long) f * np + tok) * 3 * c + h * 64, c, d4, hbias, cosv, sinv, tok);
    long long o = ((long long) bh * pp + tok) * 64 + d4;
    *reinterpret_cast<tc_u2*>(q + o) = tc_pack4(x.q_lo, qscale);
    *reinterpret_cast<tc_u2*>(q + o + 32) = tc_pack4(x.q_hi, qscale);
    *reinterpret_cast<tc_u2*>(k + o) = tc_pack4(x.k_lo, 1.0f);
    *reinterpret_cast<tc_u2*>(k + o + 32) = tc_pack4(x.k_hi, 1.0f);
    float lo[4] = {x.v_lo.x, x.v_lo.y, x.v_lo.z, x.v_lo.w}, hi[4] = {x.v_hi.x, x.v_hi.y, x.v_hi.z, x.v_hi.w};
#pragma unroll
    for (int i = 0; i < 4; i++) {
      vs[d4 + i][r] = lo[i];
      vs[d4 + 32 + i][r] = hi[i];
    }
  }
  __syncthreads();
  for (int it = 0; it < 4; it++) {                      // 64 dims × 16 groups of 4 tokens
    int idx = it * 256 + tid, d = idx >> 4, c4 = (idx & 15) * 4;
    *reinterpret_cast<tc_u2*>(vt + ((long long) bh * 64 + d) * pp + t0 + c4) =
        {tc_pack(vs[d][c4], vs[d][c4 + 1]), tc_pack(vs[d][c4 + 2], vs[d][c4 + 3])};
  }
}

// 16 bytes global → shared, asynchronously (cp.async, sm_80+), and the group fences.
__device__ __forceinline__ void tc_cp16(bf16_t* smem, const bf16_t* gmem) {
#if __CUDA_ARCH__ >= 800
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16;\n" ::"r"(tc_smem(smem)), "l"(gmem) : "memory");
#endif
}

__device__ __forceinline__ void tc_commit() {
#if __CUDA_ARCH__ >= 800
  asm volatile("cp.async.commit_group;\n" ::: "memory");
#endif
}

__device__ __forceinline__ void tc_wait_all() {
#if __CUDA_ARCH__ >= 800
  asm volatile("cp.async.wait_group 0;\n" ::: "memory");
#endif
}

// Key tile kt (keys 64·kt …) of k [Pp, 64] and vt [64, Pp] of one (frame, head) into ks / vs: 2 × 512 chunks of 16 B
// over the CTA's FL_THREADS threads.
__device__ __forceinline__ void tc_fetch_tile(const bf16_t* k, const bf16_t* vt, int pp, int kt, bf16_t* ks, bf16_t* vs,
    int tid) {
#pragma unroll
  for (int ch = tid; ch < 512; ch += FL_THREADS) {
    int row = ch >> 3, col = (ch & 7) * 8;
    tc_cp16(ks + row * TC_LD + col, k + ((long long) kt * 64 + row) * 64 + col);
    tc_cp16(vs + row * TC_LD + col, vt + (long long) row * pp + kt * 64 + col);
  }
}

// Global attention, step 2: out [B·P, C] bf16 = softmax(q kᵀ) v per (frame, head) from flash_pack_bf16's q, k, vt.
// Grid (⌈P/FL_QUERIES⌉, splits, B·H), FL_THREADS threads: warp w owns queries FL_QUERIES·x + 16w … +15. Three CTAs
// fit an SM (≤ 112 registers a thread), so 756² at batch 8 (744 CTAs) runs in two full waves of 396 on an H100.
// With splits > 1 each CTA takes its share of the ⌈P/64⌉ key tiles and writes unnormalised partials (o, m in
// natural-log units, l) to part_o [splits, B·H·P, 64] and part_ml [splits, B·H·P, 2] for attention_combine_bf16.
// One barrier per key tile: after it, tile kt is visible and every warp is done with tile kt−1, whose buffer then
// receives tile kt+1 while this one is multiplied.
extern "C" __global__ void __launch_bounds__(FL_THREADS, 3) flash_tc_bf16(const bf16_t* __restrict__ q,
    const bf16_t* __restrict__ k, const bf16_t* __restrict__ vt, bf16_t* __restrict__ out, int np, int pp, int heads,
    int splits, float* __restrict__ part_o, float* __restrict__ part_ml) {
  __shared__ __align__(16) bf16_t ks[2][64 * TC_LD];
  __shared__ __align__(16) bf16_t vs[2][64 * TC_LD];   // vs[·][dim][key]
  const int c = heads * 64, bh = blockIdx.z, f = bh / heads, h = bh % heads, split = blockIdx.y;
  const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31, g = lane >> 2, t = lane & 3;
  const int q0 = blockIdx.x * FL_QUERIES + warp * 16, ntiles = (np + 63) / 64;
  const int kt_begin = split * ntiles / splits, kt_end = (split + 1) * ntiles / splits;
  const bf16_t* kb = k + (long long) bh * pp * 64;
  const bf16_t* vb = vt + (long long) bh * 64 * pp;
  const unsigned int ks_lane = tc_lane_row(tc_smem(ks[0]), lane), vs_lane = tc_lane_row(tc_smem(vs[0]), lane);
  const unsigned int buf_bytes = 2 * 64 * TC_LD;        // ks[1] − ks[0], vs[1] − vs[0]

  tc_fetch_tile(kb, vb, pp, kt_begin, ks[0], vs[0], tid);
  tc_commit();
  unsigned int qa[4][4];
  tc_load_q(qa, q + ((long long) bh * pp + q0) * 64, 64, g, t);   // rows < Pp: zero padding past P
  float m0 = tc_neg_inf(), m1 = tc_neg_inf(), l0 = 0.0f, l1 = 0.0f, o[8][4];
#pragma unroll
  for (int nt = 0; nt < 8; nt++) o[nt][0] = o[nt][1] = o[nt][2] = o[nt][3] = 0.0f;

  for (int kt = kt_begin; kt < kt_end; kt++) {
    int buf = (kt - kt_begin) & 1;
    tc_wait_all();                                      // this thread's copies of tile kt have landed
    __syncthreads();                                    // everyone's have; everyone is done with the other buffer
    if (kt + 1 < kt_end) {
      tc_fetch_tile(kb, vb, pp, kt + 1, ks[buf ^ 1], vs[buf ^ 1], tid);
      tc_commit();
    }
    tc_tile(qa, ks_lane + buf * buf_bytes, vs_lane + buf * buf_bytes, min(64, np - kt * 64), t, m0, m1, l0, l1, o);
  }
  for (int half = 0; half < 2; half++) {
    int row = q0 + g + 8 * half;
    if (row >= np) continue;
    float m = half ? m1 : m0, l = half ? l1 : l0;
    if (splits > 1) {
      long long qi = (long long) split * gridDim.z * np + (long long) bh * np + row;
#pragma unroll
      for (int nt = 0; nt < 8; nt++) {
        *reinterpret_cast<tc_f2*>(part_o + qi * 64 + nt * 8 + 2 * t) = {o[nt][2 * half], o[nt][2 * half + 1]};
      }
      if (t == 0) {
        part_ml[qi * 2] = m * 0.69314718055994531f;     // log2 units → natural: e^(m·ln 2) = 2^m
        part_ml[qi * 2 + 1] = l;
      }
      continue;
    }
    float inv = 1.0f / l;
    bf16_t* dst = out + ((long long) f * np + row) * c + h * 64 + 2 * t;
#pragma unroll
    for (int nt = 0; nt < 8; nt++) {
      *reinterpret_cast<unsigned int*>(dst + nt * 8) = tc_pack(o[nt][2 * half] * inv, o[nt][2 * half + 1] * inv);
    }
  }
}
