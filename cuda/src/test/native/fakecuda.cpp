// A CPU stand-in for libcuda.so.1, libnvrtc, libcublas and libcublasLt, for testing the whole Java CUDA stack
// (FFM bindings, NVRTC cache, encoder orchestration, CUDA graphs, checks) on machines without a GPU
// (FakeCudaStackTest, FakeCudaLmTest). It runs the real kernel sources, encoder.cu and lm.cu, compiled as C++: each
// block's threads (32 to 256) are a pool of host threads with barriers for __syncthreads and warp shuffles. Streams run work at once unless captured,
// then replay it as a graph. GEMMs are plain loops that check their arguments as cuBLAS documents them.
// Device memory is host memory, filled with NaN bytes on allocation so that reads of unwritten memory show.
#include <barrier>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

// ---- what encoder.cu needs from CUDA, on the CPU ----------------------------------------------------------------
struct dim3 { unsigned x = 1, y = 1, z = 1; };
thread_local dim3 threadIdx, blockIdx;
static dim3 blockDim, gridDim;
alignas(16) float smem[4 * 64 * 68 + 16];
static constexpr int kThreads = 256;
static std::barrier<>* block_barrier;                         // the current launch's: blockDim.x threads
static std::barrier<>* block_barriers[kThreads / 32 + 1];     // by block size / 32
static std::barrier<>* warp_barrier[kThreads / 32];
static float xchg[kThreads / 32][32];

#define __global__
#define __device__
#define __forceinline__ inline
#define __restrict__ __restrict
#define __shared__
static inline void __syncthreads() { block_barrier->arrive_and_wait(); }
static inline float __shfl_xor_sync(unsigned, float v, int o) {
  int w = threadIdx.x / 32, l = threadIdx.x % 32;
  xchg[w][l] = v;
  warp_barrier[w]->arrive_and_wait();
  float r = xchg[w][l ^ o];
  warp_barrier[w]->arrive_and_wait();
  return r;
}
static inline unsigned __float_as_uint(float f) { unsigned u; std::memcpy(&u, &f, 4); return u; }
static inline float __uint_as_float(unsigned u) { float f; std::memcpy(&f, &u, 4); return f; }
static inline float __int_as_float(int i) { float f; std::memcpy(&f, &i, 4); return f; }
static inline float __fmul_rn(float a, float b) { return a * b; }
static inline float __fadd_rn(float a, float b) { return a + b; }
static inline float __fsub_rn(float a, float b) { return a - b; }
static inline void __syncwarp() { warp_barrier[threadIdx.x / 32]->arrive_and_wait(); }
static inline int atomicAdd(int* p, int v) { return __atomic_fetch_add(p, v, __ATOMIC_RELAXED); }
using std::erf;



using std::sqrt;
using std::min;

#include "encoder.cu"

// lm.cu in its own namespace (it repeats encoder.cu's small helpers); its __shared__ arrays become static locals,
// one per kernel, which is shared memory as long as one block runs at a time (launch_mutex, the pool).
namespace lm {
#undef __shared__
#define __shared__ static
using std::remainder;
#include "lm.cu"
#undef __shared__
#define __shared__
}  // namespace lm

// ---- kernel registry: name → a launcher that copies the argument values (as cuLaunchKernel does) -------------------
using Bound = std::function<void()>;
using Binder = std::function<Bound(void**)>;
template <typename... A, std::size_t... I>
static Bound bind_args(void (*f)(A...), void** p, std::index_sequence<I...>) {
  auto args = std::make_tuple(*static_cast<std::remove_reference_t<A>*>(p[I])...);
  return [f, args] { std::apply(f, args); };
}
template <typename... A>
static Binder binder(void (*f)(A...)) {
  return [f](void** p) { return bind_args(f, p, std::index_sequence_for<A...>{}); };
}
#define K(name) {#name, binder(name)}
static const std::map<std::string, Binder> kernels = {
    K(add_bias_pos), K(qkv_bias_rope), K(image_block_embed),
    K(patch_u8_f32), K(patch_pix_f32), K(residual_rmsnorm_f32), K(attention_f32), K(attention_combine_f32), K(swiglu_f32), K(unfold_f32), K(bias_gelu_f32),
    K(patch_u8_bf16), K(patch_pix_bf16), K(residual_rmsnorm_bf16), K(attention_bf16), K(attention_combine_bf16), K(swiglu_bf16), K(unfold_bf16), K(bias_gelu_bf16),
    {"norm_rope", binder(lm::norm_rope)}, {"add_position_bias", binder(lm::add_position_bias)},
    {"compress", binder(lm::compress)}, {"ring_store", binder(lm::ring_store)}, {"ring_copy", binder(lm::ring_copy)},
    {"indexer_scores", binder(lm::indexer_scores)}, {"topk", binder(lm::topk)}, {"attention", binder(lm::attention)},
    {"rebase_rows", binder(lm::rebase_rows)}};
// Kernels that need their block's threads at once (__syncthreads, shuffles); the others run thread by thread.
static bool cooperative(const std::string& n) {
  if (n.rfind("attention_combine", 0) == 0) return false;
  return n.rfind("attention", 0) == 0 || n.rfind("residual_rmsnorm", 0) == 0 || n == "norm_rope" || n == "compress"
      || n == "indexer_scores" || n == "topk";
}

// ---- a pool of 256 threads that runs one block at a time ----------------------------------------------------------
struct Pool {
  std::vector<std::thread> threads;
  std::barrier<> start{kThreads + 1}, done{kThreads + 1};
  Bound job;
  bool quit = false;
  Pool() {
    for (int i = 1; i <= kThreads / 32; i++) block_barriers[i] = new std::barrier<>(i * 32);
    for (auto& w : warp_barrier) w = new std::barrier<>(32);
    for (int t = 0; t < kThreads; t++) {
      threads.emplace_back([this, t] {
        for (;;) {
          start.arrive_and_wait();
          if (quit) return;
          threadIdx.x = t;
          blockIdx = current;
          if (t < (int) blockDim.x) job();
          done.arrive_and_wait();
        }
      });
    }
  }
  dim3 current;
  // Kernels without __syncthreads or shuffles run their threads one after another on the caller's thread.
  static void run_serial(dim3 grid, unsigned block, const Bound& k) {
    gridDim = grid;
    blockDim = dim3{block, 1, 1};
    for (unsigned z = 0; z < grid.z; z++)
      for (unsigned y = 0; y < grid.y; y++)
        for (unsigned x = 0; x < grid.x; x++) {
          blockIdx = dim3{x, y, z};
          for (unsigned t = 0; t < block; t++) {
            threadIdx.x = t;
            k();
          }
        }
  }
  void run_grid(dim3 grid, unsigned block, const Bound& k) {
    job = k;
    gridDim = grid;
    blockDim = dim3{block, 1, 1};
    block_barrier = block_barriers[block / 32];
    for (unsigned z = 0; z < grid.z; z++)
      for (unsigned y = 0; y < grid.y; y++)
        for (unsigned x = 0; x < grid.x; x++) {
          current = dim3{x, y, z};
          start.arrive_and_wait();
          done.arrive_and_wait();
        }
  }
};
static Pool& pool() { static Pool* p = new Pool(); return *p; }
static std::mutex launch_mutex;

// ---- streams, capture, graphs -------------------------------------------------------------------------------------
struct Stream { bool capturing = false; std::vector<Bound> ops; };
struct Graph { std::vector<Bound> ops; };
static void enqueue(void* s, Bound op) {
  auto* st = static_cast<Stream*>(s);
  if (st && st->capturing) st->ops.push_back(std::move(op));
  else op();
}
static double now_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

extern "C" {
typedef int CUresult;
static const char* errname(int e) {
  switch (e) {
    case 0: return "CUDA_SUCCESS";
    case 1: return "CUDA_ERROR_INVALID_VALUE";
    case 500: return "CUDA_ERROR_NOT_FOUND";
    case 900: return "CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED";
    default: return "CUDA_ERROR_UNKNOWN";
  }
}
CUresult cuGetErrorName(int e, const char** s) { *s = errname(e); return 0; }
CUresult cuGetErrorString(int e, const char** s) { *s = e == 1 ? "invalid argument" : e == 500 ? "named symbol not found" : "fake error"; return 0; }
CUresult cuInit(unsigned) { return 0; }
CUresult cuDriverGetVersion(int* v) { *v = 13000; return 0; }
CUresult cuDeviceGetCount(int* n) { *n = 1; return 0; }
CUresult cuDeviceGet(int* d, int ordinal) { if (ordinal != 0) return 1; *d = 0; return 0; }
CUresult cuDeviceGetName(char* name, int len, int) { std::snprintf(name, len, "Fake CUDA device (CPU)"); return 0; }
CUresult cuDeviceGetAttribute(int* v, int attr, int) {
  switch (attr) {
    case 16: *v = 4; return 0;
    case 75: *v = 9; return 0;
    case 76: *v = 0; return 0;
    case 97: *v = (int) sizeof(smem) - 64; return 0;
    default: return 1;
  }
}
CUresult cuDeviceTotalMem_v2(size_t* b, int) { *b = (size_t) 8 << 30; return 0; }
static int primary_ctx;
CUresult cuDevicePrimaryCtxRetain(void** ctx, int) { *ctx = &primary_ctx; return 0; }
CUresult cuDevicePrimaryCtxRelease_v2(int) { return 0; }
CUresult cuCtxSetCurrent(void* ctx) { return ctx == &primary_ctx ? 0 : 1; }
CUresult cuCtxSynchronize() { return 0; }
CUresult cuMemGetInfo_v2(size_t* f, size_t* t) { *f = (size_t) 4 << 30; *t = (size_t) 8 << 30; return 0; }
CUresult cuMemAlloc_v2(unsigned long long* p, size_t n) {
  size_t sz = (n + 255) / 256 * 256;
  void* m = std::aligned_alloc(256, sz ? sz : 256);
  if (!m) return 2;
  std::memset(m, 0xFF, sz ? sz : 256);                        // NaN floats: unwritten memory shows in results
  *p = (unsigned long long) m;
  return 0;
}
CUresult cuMemFree_v2(unsigned long long p) { std::free((void*) p); return 0; }
CUresult cuMemHostAlloc(void** p, size_t n, unsigned) { *p = std::aligned_alloc(256, (n + 255) / 256 * 256); return *p ? 0 : 2; }
CUresult cuMemFreeHost(void* p) { std::free(p); return 0; }
CUresult cuMemcpyHtoDAsync_v2(unsigned long long d, const void* s, size_t n, void* st) {
  enqueue(st, [=] { std::memcpy((void*) d, s, n); });
  return 0;
}
CUresult cuMemcpyDtoHAsync_v2(void* d, unsigned long long s, size_t n, void* st) {
  enqueue(st, [=] { std::memcpy(d, (const void*) s, n); });
  return 0;
}
CUresult cuMemcpyDtoDAsync_v2(unsigned long long d, unsigned long long s, size_t n, void* st) {
  enqueue(st, [=] { std::memcpy((void*) d, (const void*) s, n); });
  return 0;
}
CUresult cuMemsetD8Async(unsigned long long d, unsigned char v, size_t n, void* st) {
  enqueue(st, [=] { std::memset((void*) d, v, n); });
  return 0;
}
CUresult cuStreamCreate(void** s, unsigned) { *s = new Stream(); return 0; }
CUresult cuStreamSynchronize(void* s) { return static_cast<Stream*>(s)->capturing ? 900 : 0; }
CUresult cuStreamDestroy_v2(void* s) { delete static_cast<Stream*>(s); return 0; }
struct Event { double t = 0; };
CUresult cuEventCreate(void** e, unsigned) { *e = new Event(); return 0; }
CUresult cuEventRecord(void* e, void* s) { enqueue(s, [e] { static_cast<Event*>(e)->t = now_ms(); }); return 0; }
CUresult cuEventSynchronize(void*) { return 0; }
CUresult cuEventElapsedTime_v2(float* ms, void* a, void* b) { *ms = (float) (static_cast<Event*>(b)->t - static_cast<Event*>(a)->t); return 0; }
CUresult cuEventDestroy_v2(void* e) { delete static_cast<Event*>(e); return 0; }
static int the_module;
CUresult cuModuleLoadData(void** m, const void* image) { if (!image) return 1; *m = &the_module; return 0; }
CUresult cuModuleGetFunction(void** f, void* m, const char* name) {
  if (m != &the_module) return 1;
  auto it = kernels.find(name);
  if (it == kernels.end()) return 500;
  *f = (void*) &*it;
  return 0;
}
CUresult cuModuleUnload(void*) { return 0; }
CUresult cuFuncSetAttribute(void*, int attr, int value) { return attr == 8 && value > (int) sizeof(smem) ? 1 : 0; }
CUresult cuLaunchKernel(void* f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
    unsigned shared, void* st, void** params, void** extra) {
  if (bx == 0 || bx > (unsigned) kThreads || bx % 32 != 0 || by != 1 || bz != 1 || extra || shared > sizeof(smem) || gx == 0
      || gy == 0 || gz == 0) return 1;
  auto* entry = static_cast<const std::pair<const std::string, Binder>*>(f);
  Bound k = entry->second(params);
  bool coop = cooperative(entry->first);
  dim3 grid{gx, gy, gz};
  enqueue(st, [k, grid, bx, coop] {
    std::lock_guard<std::mutex> g(launch_mutex);
    if (coop) pool().run_grid(grid, bx, k);
    else Pool::run_serial(grid, bx, k);
  });
  return 0;
}
CUresult cuStreamBeginCapture_v2(void* s, int) { auto* st = static_cast<Stream*>(s); st->capturing = true; st->ops.clear(); return 0; }
CUresult cuStreamEndCapture(void* s, void** g) {
  auto* st = static_cast<Stream*>(s);
  if (!st->capturing) return 1;
  st->capturing = false;
  *g = new Graph{std::move(st->ops)};
  st->ops.clear();
  return 0;
}
CUresult cuGraphInstantiateWithFlags(void** exec, void* g, unsigned long long) { *exec = new Graph(*static_cast<Graph*>(g)); return 0; }
CUresult cuGraphLaunch(void* exec, void* s) { for (auto& op : static_cast<Graph*>(exec)->ops) enqueue(s, op); return 0; }
CUresult cuGraphExecDestroy(void* e) { delete static_cast<Graph*>(e); return 0; }
CUresult cuGraphDestroy(void* g) { delete static_cast<Graph*>(g); return 0; }

// ---- NVRTC: accepts any source with an extern "C" kernel; the "image" is a placeholder ---------------------------
struct Program { std::string src, log; bool ok = false; };
const char* nvrtcGetErrorString(int r) { return r == 0 ? "NVRTC_SUCCESS" : r == 6 ? "NVRTC_ERROR_COMPILATION" : "NVRTC_ERROR_INVALID_INPUT"; }
int nvrtcVersion(int* a, int* b) { *a = 13; *b = 0; return 0; }
int nvrtcCreateProgram(void** p, const char* src, const char*, int, const char* const*, const char* const*) {
  *p = new Program{src, "", false};
  return 0;
}
int nvrtcDestroyProgram(void** p) { delete static_cast<Program*>(*p); *p = nullptr; return 0; }
int nvrtcCompileProgram(void* p, int, const char* const*) {
  auto* pr = static_cast<Program*>(p);
  pr->ok = pr->src.find("extern \"C\" __global__") != std::string::npos;
  pr->log = pr->ok ? "" : "fake NVRTC: no extern \"C\" __global__ kernel";
  return pr->ok ? 0 : 6;
}
int nvrtcGetProgramLogSize(void* p, size_t* n) { *n = static_cast<Program*>(p)->log.size() + 1; return 0; }
int nvrtcGetProgramLog(void* p, char* out) { std::strcpy(out, static_cast<Program*>(p)->log.c_str()); return 0; }
static const char fake_image[] = "\x7f" "ELF fake image of the CPU stand-in";
int nvrtcGetPTXSize(void*, size_t* n) { *n = sizeof(fake_image); return 0; }
int nvrtcGetPTX(void*, char* out) { std::memcpy(out, fake_image, sizeof(fake_image)); return 0; }
int nvrtcGetCUBINSize(void*, size_t* n) { *n = sizeof(fake_image); return 0; }
int nvrtcGetCUBIN(void*, char* out) { std::memcpy(out, fake_image, sizeof(fake_image)); return 0; }

// ---- cuBLAS / cuBLASLt: column-major GEMMs with cuBLAS's argument rules --------------------------------------------
struct Handle { void* stream = nullptr; };
static float load(const void* p, int type, long long i) {
  if (type == 0) return static_cast<const float*>(p)[i];
  unsigned short b = static_cast<const unsigned short*>(p)[i];
  return type == 14 ? __uint_as_float(((unsigned) b) << 16) : NAN;
}
static float tf32(float f) {                                  // keep 10 mantissa bits, round to nearest even
  unsigned u = __float_as_uint(f);
  u += 0xfffu + ((u >> 13) & 1u);
  return __uint_as_float(u & 0xffffe000u);
}
// C is f32 (ct 0) or bf16 (ct 14, rounded to nearest even as encoder.cu's f32_to_bf16).
static int gemm(void* st, int ta, int tb, int m, int n, int k, float alpha, const void* A, int at, int lda, const void* B,
    int bt, int ldb, float beta, void* C, int ct, int ldc, int compute, const float* bias) {
  if (m < 0 || n < 0 || k < 0 || (ta != 0 && ta != 1) || (tb != 0 && tb != 1)) return 7;
  if (lda < std::max(1, ta == 0 ? m : k) || ldb < std::max(1, tb == 0 ? k : n) || ldc < std::max(1, m)) return 7;
  if (at != bt || (at != 0 && at != 14) || (compute != 68 && compute != 77) || (at == 14 && compute != 68)) return 15;
  if (ct != 0 && (ct != 14 || at != 14)) return 15;
  enqueue(st, [=] {
    for (int j = 0; j < n; j++)
      for (int i = 0; i < m; i++) {
        float s = 0;
        for (int p = 0; p < k; p++) {
          float a = load(A, at, ta == 0 ? i + (long long) p * lda : p + (long long) i * lda);
          float b = load(B, bt, tb == 0 ? p + (long long) j * ldb : j + (long long) p * ldb);
          if (compute == 77) { a = tf32(a); b = tf32(b); }
          s += a * b;
        }
        long long ci = i + (long long) j * ldc;
        float v = alpha * s + (beta == 0 ? 0 : beta * load(C, ct, ci));
        if (bias) v += bias[i];
        if (ct == 0) static_cast<float*>(C)[ci] = v;
        else static_cast<unsigned short*>(C)[ci] = f32_to_bf16(v);
      }
  });
  return 0;
}
int cublasCreate_v2(void** h) { *h = new Handle(); return 0; }
int cublasDestroy_v2(void* h) { delete static_cast<Handle*>(h); return 0; }
int cublasSetStream_v2(void* h, void* s) { static_cast<Handle*>(h)->stream = s; return 0; }
int cublasSetWorkspace_v2(void*, void* ws, size_t n) { return ws && n ? 0 : 7; }
int cublasGetVersion_v2(void*, int* v) { *v = 130000; return 0; }
const char* cublasGetStatusName(int s) { return s == 0 ? "CUBLAS_STATUS_SUCCESS" : s == 7 ? "CUBLAS_STATUS_INVALID_VALUE" : "CUBLAS_STATUS_NOT_SUPPORTED"; }
const char* cublasGetStatusString(int s) { return s == 0 ? "success" : "fake cuBLAS rejected the arguments"; }
int cublasGemmEx(void* h, int ta, int tb, int m, int n, int k, const void* alpha, const void* A, int at, int lda, const void* B,
    int bt, int ldb, const void* beta, void* C, int ct, int ldc, int compute, int algo) {
  if (algo != -1) return 15;
  return gemm(static_cast<Handle*>(h)->stream, ta, tb, m, n, k, *static_cast<const float*>(alpha), A, at, lda, B, bt, ldb,
      *static_cast<const float*>(beta), C, ct, ldc, compute, nullptr);
}
struct LtDesc { int compute, ta = 0, tb = 0, epilogue = 1; const float* bias = nullptr; };
struct LtLayout { int type; unsigned long long rows, cols; long long ld; };
int cublasLtCreate(void** h) { *h = new Handle(); return 0; }
int cublasLtDestroy(void* h) { delete static_cast<Handle*>(h); return 0; }
size_t cublasLtGetVersion() { return 130000; }
int cublasLtMatmulDescCreate(void** d, int compute, int scale) { if (scale != 0) return 15; *d = new LtDesc{compute}; return 0; }
int cublasLtMatmulDescDestroy(void* d) { delete static_cast<LtDesc*>(d); return 0; }
int cublasLtMatmulDescSetAttribute(void* d, int attr, const void* buf, size_t n) {
  auto* ds = static_cast<LtDesc*>(d);
  if ((attr == 3 || attr == 4 || attr == 7) && n == 4) {
    int v = *static_cast<const int*>(buf);
    (attr == 3 ? ds->ta : attr == 4 ? ds->tb : ds->epilogue) = v;
    return 0;
  }
  if (attr == 8 && n == 8) { ds->bias = *static_cast<float* const*>(buf); return 0; }
  return 7;
}
int cublasLtMatrixLayoutCreate(void** l, int type, unsigned long long rows, unsigned long long cols, long long ld) {
  if (ld < (long long) rows) return 7;
  *l = new LtLayout{type, rows, cols, ld};
  return 0;
}
int cublasLtMatrixLayoutDestroy(void* l) { delete static_cast<LtLayout*>(l); return 0; }
int cublasLtMatmulPreferenceCreate(void** p) { *p = new int(0); return 0; }
int cublasLtMatmulPreferenceSetAttribute(void*, int attr, const void*, size_t n) { return attr == 1 && n == 8 ? 0 : 7; }
int cublasLtMatmulPreferenceDestroy(void* p) { delete static_cast<int*>(p); return 0; }
int cublasLtMatmulAlgoGetHeuristic(void*, void*, void*, void*, void*, void*, void*, int req, void* results, int* count) {
  if (req < 1) return 7;
  std::memset(results, 0, 96);
  *count = 1;
  return 0;
}
int cublasLtMatmul(void* h, void* desc, const void* alpha, const void* A, void* la, const void* B, void* lb, const void* beta,
    const void* C, void* lc, void* D, void* ld, const void* algo, void* ws, size_t wsb, void* stream) {
  auto* d = static_cast<LtDesc*>(desc);
  auto *a = static_cast<LtLayout*>(la), *b = static_cast<LtLayout*>(lb), *c = static_cast<LtLayout*>(lc), *o = static_cast<LtLayout*>(ld);
  if (!algo || C != D || c != o) return 15;
  int m = (int) o->rows, n = (int) o->cols, k = (int) (d->ta == 0 ? a->cols : a->rows);
  if ((d->ta == 0 ? a->rows : a->cols) != (unsigned long long) m || (d->tb == 0 ? b->rows : b->cols) != (unsigned long long) k
      || (d->tb == 0 ? b->cols : b->rows) != (unsigned long long) n || o->type != 0) return 7;
  if (d->epilogue == 4 && !d->bias) return 7;
  return gemm(stream, d->ta, d->tb, m, n, k, *static_cast<const float*>(alpha), A, a->type, (int) a->ld, B, b->type, (int) b->ld,
      *static_cast<const float*>(beta), D, 0, (int) o->ld, d->compute, d->epilogue == 4 ? d->bias : nullptr);
}
}  // extern "C"
