// Glimpse language-model kernels (docs/model.md §6-§7: DeepSeek-V4 attention with sliding, CSA and HCA layers),
// compiled at run time by NVRTC like encoder.cu (same rules: no #include, no library types, no fast-math). The
// residual RMSNorm, SwiGLU and the embedding gather come from encoder.cu (residual_rmsnorm_f32, swiglu_f32,
// image_block_embed); GEMMs go through cuBLAS. The CPU reference is csa-runtime's DeepseekV4Attention, Compressor
// and Indexer; each kernel names the CPU step it computes.
//
// Legend: T tokens of a chunk (positions pos0 … pos0+T−1, RoPE positions rel0 … relative to the base P), H heads,
// D = 64 head dim, r rope dims at the tail of a vector, m compress rate, c series (2 overlapping, 1 not), w entry
// width (D, or D_I for indexer keys), cw = c·w, H_I / D_I indexer heads and dim, k top-k, n entries held, cap ring
// rows. Compressed rows live in rings: window number W sits in row W mod cap; the first held window is first_w.
//
// Captured decode steps: the kernels that take a position or a first window also take `dyn`, a device array
// {pos0, base, first_w of layer 0, of layer 1, …}; when it is non-null they read those from it instead of their
// by-value arguments (and derive what follows from them: rel0 = pos0 − base, the windows a chunk completes, the
// entries a query sees), so one CUDA graph of a decode step replays for every position with one small upload.

__device__ __forceinline__ float neg_inf() { return __int_as_float(0xff800000); }

__device__ __forceinline__ long long thread_index() { return blockIdx.x * (long long) blockDim.x + threadIdx.x; }
__device__ __forceinline__ long long thread_count() { return (long long) gridDim.x * blockDim.x; }

// Partial interleaved RoPE of one pair (Rope.rotate): angle = (float) pos · f_i in f32, cos/sin in double rounded to
// f32, products unfused as Java computes a·cos − b·sin.
__device__ __forceinline__ void rope_pair(float* a, float* b, float pos, float inv_freq, int inverse) {
  float angle = __fmul_rn(pos, inv_freq);
  float cs = (float) cos((double) angle), sn = (float) sin((double) angle);
  if (inverse) sn = -sn;
  float x = *a, y = *b;
  *a = __fsub_rn(__fmul_rn(x, cs), __fmul_rn(y, sn));
  *b = __fadd_rn(__fmul_rn(y, cs), __fmul_rn(x, sn));
}

// In place on x [rows, heads·width], one warp per (row, head) vector: when norm, RMSNorm (weight w, or none for the
// per-head UnitRMS) as ReferenceKernels.rmsNorm; then, when r > 0, RoPE on the trailing r channels at position
// pos0 + row (inverse: −pos, the output de-rotation). Widths up to 32·8.
extern "C" __global__ void norm_rope(float* __restrict__ x, int rows, int heads, int width, const float* __restrict__ w,
    int norm, float eps, const float* __restrict__ inv_freq, int r, long long pos0, int inverse,
    const long long* __restrict__ dyn) {
  if (dyn) pos0 = dyn[0] - dyn[1];                            // the RoPE position: relative to the base
  long long vec = thread_index() >> 5;
  int lane = threadIdx.x & 31;
  if (vec >= (long long) rows * heads) return;               // whole warps leave together
  int row = (int) (vec / heads);
  float* v = x + vec * width;
  if (norm) {
    float ss = 0.0f;
    for (int i = lane; i < width; i += 32) ss += v[i] * v[i];
    for (int o = 16; o > 0; o >>= 1) ss += __shfl_xor_sync(0xffffffffu, ss, o);
    float inv = (float) (1.0 / sqrt((double) (ss / (float) width + eps)));
    for (int i = lane; i < width; i += 32) {
      float y = v[i] * inv;
      v[i] = w ? y * w[i] : y;
    }
    __syncwarp();
  }
  if (r > 0) {
    float pos = (float) (pos0 + row);
    int o = width - r;
    for (int i = lane; i < r / 2; i += 32) rope_pair(v + o + 2 * i, v + o + 2 * i + 1, pos, inv_freq[i], inverse);
  }
}

// Compressor.project: gate [T, cw] += position_bias[(pos0 + j) mod m] (both absolute positions).
extern "C" __global__ void add_position_bias(float* __restrict__ gate, const float* __restrict__ bias, int t, int cw,
    int m, long long pos0, const long long* __restrict__ dyn) {
  if (dyn) pos0 = dyn[0];
  long long total = (long long) t * cw;
  for (long long e = thread_index(); e < total; e += thread_count()) {
    int j = (int) (e / cw), col = (int) (e % cw);
    gate[e] += bias[(int) ((pos0 + j) % m) * cw + col];
  }
}

// A token's projected compressor row: in this chunk (pos ≥ pos0: row pos − pos0 of [T, cw]) or in the ring of the
// last 2m tokens before it (row pos mod slots).
__device__ __forceinline__ const float* token_row(const float* chunk, const float* ring, int slots, int cw,
    long long pos, long long pos0) {
  return pos >= pos0 ? chunk + (pos - pos0) * cw : ring + (pos % slots) * cw;
}

// Compressor.feed/pool for the `count` windows w0 … completed in this chunk, one block per window, one thread per
// channel (blockDim ≥ w): per channel a softmax over the slots' gates (CSA: the previous window's series a, then
// this window's series b; window 0 has no previous slots; HCA: this window's m tokens), the weighted sum of their
// kv, then RMSNorm(·)·norm_w and RoPE at the window's first position (W·m − base), into ring row W mod cap.
extern "C" __global__ void compress(const float* __restrict__ ckv, const float* __restrict__ cgate,
    const float* __restrict__ ring_kv, const float* __restrict__ ring_gate, int slots, float* __restrict__ entries,
    int cap, long long w0, int count, int m, int dim, int overlap, long long pos0, const float* __restrict__ norm_w,
    float eps, const float* __restrict__ inv_freq, int r, long long base, int t, const long long* __restrict__ dyn) {
  __shared__ float vals[256];
  __shared__ float red[32];
  if (dyn) {                                                  // the windows this t-token chunk completes
    pos0 = dyn[0];
    base = dyn[1];
    w0 = pos0 / m;
    count = (int) ((pos0 + t) / m - w0);
  }
  if (blockIdx.x >= count) return;
  long long win = w0 + blockIdx.x;
  int ch = threadIdx.x, cw = (overlap ? 2 : 1) * dim, own = overlap ? dim : 0;
  int prev = overlap && win > 0 ? m : 0;
  float out = 0.0f;
  if (ch < dim) {
    float mx = neg_inf();
    for (int i = 0; i < prev; i++) {
      long long p = (win - 1) * m + i;
      mx = fmaxf(mx, token_row(cgate, ring_gate, slots, cw, p, pos0)[ch]);
    }
    for (int i = 0; i < m; i++) {
      long long p = win * m + i;
      mx = fmaxf(mx, token_row(cgate, ring_gate, slots, cw, p, pos0)[own + ch]);
    }
    float sum = 0.0f;
    for (int i = 0; i < prev; i++) sum += expf(token_row(cgate, ring_gate, slots, cw, (win - 1) * m + i, pos0)[ch] - mx);
    for (int i = 0; i < m; i++) sum += expf(token_row(cgate, ring_gate, slots, cw, win * m + i, pos0)[own + ch] - mx);
    for (int i = 0; i < prev; i++) {
      long long p = (win - 1) * m + i;
      float e = expf(token_row(cgate, ring_gate, slots, cw, p, pos0)[ch] - mx) / sum;
      out += e * token_row(ckv, ring_kv, slots, cw, p, pos0)[ch];
    }
    for (int i = 0; i < m; i++) {
      long long p = win * m + i;
      float e = expf(token_row(cgate, ring_gate, slots, cw, p, pos0)[own + ch] - mx) / sum;
      out += e * token_row(ckv, ring_kv, slots, cw, p, pos0)[own + ch];
    }
  }
  float sq = ch < dim ? out * out : 0.0f;
  for (int o = 16; o > 0; o >>= 1) sq += __shfl_xor_sync(0xffffffffu, sq, o);
  if ((ch & 31) == 0) red[ch >> 5] = sq;
  __syncthreads();
  float ss = 0.0f;
  for (int i = 0; i < (int) ((blockDim.x + 31) >> 5); i++) ss += red[i];
  float inv = (float) (1.0 / sqrt((double) (ss / (float) dim + eps)));
  if (ch < dim) vals[ch] = out * inv * norm_w[ch];
  __syncthreads();
  if (ch < r / 2) {
    int o = dim - r;
    rope_pair(vals + o + 2 * ch, vals + o + 2 * ch + 1, (float) (win * m - base), inv_freq[ch], 0);
  }
  __syncthreads();
  if (ch < dim) entries[(win % cap) * dim + ch] = vals[ch];
}

// Keeps the chunk's last rows in a ring of `slots` rows (row pos mod slots): src [T, width] at positions pos0 ….
extern "C" __global__ void ring_store(const float* __restrict__ src, int t, int width, float* __restrict__ ring,
    int slots, long long pos0, const long long* __restrict__ dyn) {
  if (dyn) pos0 = dyn[0];
  int keep = t < slots ? t : slots;
  long long total = (long long) keep * width;
  for (long long e = thread_index(); e < total; e += thread_count()) {
    int j = t - keep + (int) (e / width), col = (int) (e % width);
    ring[((pos0 + j) % slots) * width + col] = src[(long long) j * width + col];
  }
}

// Moves `count` held windows first_w … from a ring of cap_old rows to one of cap_new rows (growth).
extern "C" __global__ void ring_copy(const float* __restrict__ src, int cap_old, float* __restrict__ dst, int cap_new,
    long long first_w, int count, int width) {
  long long total = (long long) count * width;
  for (long long e = thread_index(); e < total; e += thread_count()) {
    long long win = first_w + e / width;
    int col = (int) (e % width);
    dst[(win % cap_new) * width + col] = src[(win % cap_old) * width + col];
  }
}

// Entries visible to the query at absolute position p: the windows completed by then, minus the evicted ones.
__device__ __forceinline__ int visible(long long p, int m, long long first_w) {
  long long n = (p + 1) / m - first_w;
  return n < 0 ? 0 : (int) n;
}

// Indexer.select's scores for queries j0 … j0+rows−1 against held keys s < n_cols: I[j, s] = Σ_h w_j,h ·
// ReLU(q_j,h · K_s) · dscale, w_j,h = iw[j, h] · wscale (Indexer.headWeights), into scores [rows, n_cols].
// Block: 128 keys × 8 queries; q and the keys tile staged in shared memory. H_I·D_I ≤ 256, D_I ≤ 64.
#define IDX_KEYS 128
#define IDX_QUERIES 8
extern "C" __global__ void indexer_scores(const float* __restrict__ iq, const float* __restrict__ iw,
    const float* __restrict__ keys, int cap, long long first_w, int n_cols, int j0, int rows, int heads, int dim,
    float dscale, float wscale, float* __restrict__ scores, int m, int layer, const long long* __restrict__ dyn) {
  __shared__ float qs[IDX_QUERIES * 256];
  __shared__ float ws[IDX_QUERIES * 8];
  __shared__ float ks[IDX_KEYS * 65];
  if (dyn) {                                                  // the block's last query sees the most entries
    first_w = dyn[2 + layer];
    n_cols = visible(dyn[0] + j0 + rows - 1, m, first_w);
  }
  int s0 = blockIdx.x * IDX_KEYS, q0 = blockIdx.y * IDX_QUERIES, hd = heads * dim;
  if (s0 >= n_cols) return;                                   // a grid sized for the ring's capacity
  for (int e = threadIdx.x; e < IDX_QUERIES * hd; e += blockDim.x) {
    int qi = e / hd;
    qs[e] = q0 + qi < rows ? iq[(long long) (j0 + q0 + qi) * hd + e % hd] : 0.0f;
  }
  for (int e = threadIdx.x; e < IDX_QUERIES * heads; e += blockDim.x) {
    int qi = e / heads;
    ws[qi * 8 + e % heads] = q0 + qi < rows ? iw[(long long) (j0 + q0 + qi) * heads + e % heads] * wscale : 0.0f;
  }
  for (int e = threadIdx.x; e < IDX_KEYS * dim; e += blockDim.x) {
    int si = e / dim, col = e % dim;
    int s = s0 + si;
    ks[si * 65 + col] = s < n_cols ? keys[((first_w + s) % cap) * dim + col] : 0.0f;
  }
  __syncthreads();
  int s = s0 + threadIdx.x;
  if (threadIdx.x >= IDX_KEYS || s >= n_cols) return;
  const float* k = ks + threadIdx.x * 65;
  for (int qi = 0; qi < IDX_QUERIES && q0 + qi < rows; qi++) {
    float sum = 0.0f;
    for (int h = 0; h < heads; h++) {
      const float* q = qs + qi * hd + h * dim;
      float dot = 0.0f;
      for (int c = 0; c < dim; c++) dot += q[c] * k[c];
      sum += fmaxf(dot, 0.0f) * dscale * ws[qi * 8 + h];
    }
    scores[(long long) (q0 + qi) * n_cols + s] = sum;
  }
}

// Orderable bits of a float: larger float ↔ larger unsigned (+0 and −0 kept apart; the scores are never −0).
__device__ __forceinline__ unsigned int order_bits(float f) {
  unsigned int u = __float_as_uint(f);
  return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}

// Exclusive prefix sum over the block (blockDim = 256) of v; *total gets the sum. scan has 256 + 1 ints.
__device__ int block_exclusive_scan(int v, int* scan, int* total) {
  int t = threadIdx.x;
  scan[t] = v;
  __syncthreads();
  for (int o = 1; o < 256; o <<= 1) {
    int add = t >= o ? scan[t - o] : 0;
    __syncthreads();
    scan[t] += add;
    __syncthreads();
  }
  int inclusive = scan[t];
  if (t == 255) scan[256] = inclusive;
  __syncthreads();
  *total = scan[256];
  __syncthreads();
  return inclusive - v;
}

// Indexer.topK for queries j0 … j0+rows−1, one block of 256 threads each: the k (≤ 1024) highest scores among the n_j
// entries visible to query j, in ascending index order, equal scores preferring the later entry; when n_j ≤ k, all
// of them. The k-th largest value v by a 4-pass radix select on order_bits (the last pass also counts the elements
// equal to v). When every element equal to v is taken (no tie at the boundary: the usual case) one pass collects
// everything ≥ v in any order and a bitonic sort orders the k indices; else one ordered pass (block scans) keeps
// everything above v and the latest of those equal to it. picked [T, k] rows j.
extern "C" __global__ void topk(const float* __restrict__ scores, int n_cols, int j0, long long pos0, int m,
    long long first_w, int k, int* __restrict__ picked, int layer, const long long* __restrict__ dyn) {
  __shared__ int hist[256];
  __shared__ int scan[257];
  __shared__ int sel[1024];
  __shared__ unsigned int sel_prefix;
  __shared__ int sel_want, sel_equal, count;
  if (dyn) {                                                  // rows j0 … j0+gridDim.x−1, as indexer_scores
    pos0 = dyn[0];
    first_w = dyn[2 + layer];
    n_cols = visible(pos0 + j0 + gridDim.x - 1, m, first_w);
  }
  int j = j0 + blockIdx.x, t = threadIdx.x;
  int n = visible(pos0 + j, m, first_w);
  int* out = picked + (long long) j * k;
  if (n <= k) {                                               // every visible entry (no scores needed)
    for (int i = t; i < n; i += blockDim.x) out[i] = i;
    return;
  }
  if (n > n_cols) n = n_cols;
  const float* row = scores + (long long) blockIdx.x * n_cols;
  unsigned int prefix = 0, mask = 0;
  int want = k;                                               // rank wanted among the elements matching prefix
  for (int shift = 24; shift >= 0; shift -= 8) {
    hist[t] = 0;
    __syncthreads();
    for (int s = t; s < n; s += blockDim.x) {
      unsigned int u = order_bits(row[s]);
      if ((u & mask) == prefix) atomicAdd(&hist[(u >> shift) & 255u], 1);
    }
    __syncthreads();
    if (t == 0) {
      int acc = 0, b = 255;
      for (; b > 0; b--) {
        if (acc + hist[b] >= want) break;
        acc += hist[b];
      }
      sel_prefix = prefix | ((unsigned int) b << shift);
      sel_want = want - acc;
      sel_equal = hist[b];                                    // after the last pass: the elements equal to v
    }
    __syncthreads();
    prefix = sel_prefix;
    want = sel_want;
    mask |= 255u << shift;
    __syncthreads();
  }
  // prefix = bits of the k-th largest value v; want = how many elements equal to v are taken (the latest ones).
  int equal = sel_equal;
  if (equal == want) {
    if (t == 0) count = 0;
    __syncthreads();
    for (int s = t; s < n; s += blockDim.x) {
      if (order_bits(row[s]) >= prefix) sel[atomicAdd(&count, 1)] = s;
    }
    __syncthreads();
    int p2 = 1;
    while (p2 < k) p2 <<= 1;
    for (int i = k + t; i < p2; i += blockDim.x) sel[i] = 0x7fffffff;
    __syncthreads();
    for (int size = 2; size <= p2; size <<= 1) {
      for (int stride = size >> 1; stride > 0; stride >>= 1) {
        for (int i = t; i < p2; i += blockDim.x) {
          int o = i ^ stride;
          if (o > i) {
            int x = sel[i], y = sel[o];
            bool ascending = (i & size) == 0;
            if ((x > y) == ascending) {
              sel[i] = y;
              sel[o] = x;
            }
          }
        }
        __syncthreads();
      }
    }
    for (int i = t; i < k; i += blockDim.x) out[i] = sel[i];
    return;
  }
  int skip = equal - want;                                    // the earliest `skip` equal ones are left out
  int eqSeen = 0, written = 0;
  for (int s0 = 0; s0 < n; s0 += blockDim.x) {
    int s = s0 + t;
    unsigned int u = s < n ? order_bits(row[s]) : 0u;
    int eq = s < n && u == prefix, ab = s < n && u > prefix;
    int eqTotal, selTotal;
    int eqRank = eqSeen + block_exclusive_scan(eq, scan, &eqTotal);
    int take = ab || (eq && eqRank >= skip);
    int at = written + block_exclusive_scan(take, scan, &selTotal);
    if (take) out[at] = s;
    eqSeen += eqTotal;
    written += selTotal;
  }
}

// DeepseekV4Attention.attend for query j (block x) and head h (block y), 128 threads: one softmax over the raw keys
// (positions a … b−1: the sliding window, widened to the whole image span for span tokens), the query's compressed
// entries (HCA: all visible; CSA: picked [T, k] row j, or all visible when picked is null; sliding: none) and the
// sink; out [T, H, D] = Σ p_s · key_s. Raw keys at positions ≥ pos0 are chunk rows of kv [T, D], older ones rows of
// the raw ring (pos mod wslots). Each thread keeps an online softmax over its keys; the block merges them in shared
// memory. 128 threads.
extern "C" __global__ void attention(const float* __restrict__ q, const float* __restrict__ kv,
    const float* __restrict__ raw_ring, int wslots, const float* __restrict__ entries, int cap, long long first_w,
    const int* __restrict__ picked, int k, long long pos0, int m, int span_from, int span_to, int window,
    const float* __restrict__ sinks, float scale, int heads, float* __restrict__ out, int layer,
    const long long* __restrict__ dyn) {
  if (dyn) {
    pos0 = dyn[0];
    first_w = dyn[2 + layer];
  }
  __shared__ float qs[64];
  __shared__ float red_m[128], red_l[128];
  __shared__ float red_acc[128 * 65];
  int j = blockIdx.x, h = blockIdx.y, t = threadIdx.x;
  long long p = pos0 + j;
  if (t < 64) qs[t] = q[((long long) j * heads + h) * 64 + t];
  __syncthreads();
  long long lo = p - window + 1;
  if (lo < 0) lo = 0;
  long long a = lo, b = p + 1;
  if (j >= span_from && j < span_to) {
    if (pos0 + span_from < a) a = pos0 + span_from;
    b = pos0 + span_to;
  }
  int raw = (int) (b - a);
  int nc = 0;
  if (m > 0) {
    nc = visible(p, m, first_w);
    if (picked && nc > k) nc = k;
  }
  int total = raw + nc;
  float mx = neg_inf(), l = 0.0f;
  float acc[64];
#pragma unroll
  for (int c = 0; c < 64; c++) acc[c] = 0.0f;
  for (int i = t; i < total; i += blockDim.x) {
    const float* key;
    if (i < raw) {
      long long pos = a + i;
      key = pos >= pos0 ? kv + (pos - pos0) * 64 : raw_ring + (pos % wslots) * 64;
    } else {
      int idx = i - raw;
      if (picked) idx = picked[(long long) j * k + idx];
      key = entries + ((first_w + idx) % cap) * 64;
    }
    float dot = 0.0f;
    for (int c = 0; c < 64; c++) dot += qs[c] * key[c];
    float s = dot * scale;
    float nm = fmaxf(mx, s);
    float corr = expf(mx - nm), e = expf(s - nm);
    l = l * corr + e;
#pragma unroll
    for (int c = 0; c < 64; c++) acc[c] = acc[c] * corr + e * key[c];
    mx = nm;
  }
  // Merge the 128 threads' (max, sum, acc) through shared memory, with the sink in the maximum and the sum.
  red_m[t] = mx;
  __syncthreads();
  float gm = sinks[h];
  for (int i = 0; i < (int) blockDim.x; i++) gm = fmaxf(gm, red_m[i]);
  float c = mx == neg_inf() ? 0.0f : expf(mx - gm);
#pragma unroll
  for (int ch = 0; ch < 64; ch++) red_acc[t * 65 + ch] = acc[ch] * c;
  red_l[t] = l * c;
  __syncthreads();
  if (t < 64) {
    float num = 0.0f, den = expf(sinks[h] - gm);
    for (int i = 0; i < (int) blockDim.x; i++) {
      num += red_acc[i * 65 + t];
      den += red_l[i];
    }
    out[((long long) j * heads + h) * 64 + t] = num / den;
  }
}

// DeepseekV4Attention.rebase on stored rows [n, width] (ring rows, held or not): the trailing r channels rotate by
// −delta positions with the angle reduced mod 2π in double (Rope.shift).
extern "C" __global__ void rebase_rows(float* __restrict__ x, int n, int width, const float* __restrict__ inv_freq,
    int r, long long delta) {
  long long total = (long long) n * (r / 2);
  for (long long e = thread_index(); e < total; e += thread_count()) {
    long long row = e / (r / 2);
    int i = (int) (e % (r / 2));
    float* v = x + row * width + (width - r) + 2 * i;
    double angle = remainder(-(double) delta * (double) inv_freq[i], 2.0 * 3.141592653589793);
    double cs = cos(angle), sn = sin(angle);
    double a = v[0], b = v[1];
    v[0] = (float) (a * cs - b * sn);
    v[1] = (float) (b * cs + a * sn);
  }
}
