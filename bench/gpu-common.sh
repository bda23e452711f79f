# Shared by bench/gpu.sh and bench/gpu-streams.sh (sourced): a time budget cut into steps with limits, and where the
# CUDA libraries are. Needs $budget, $start and $OUT set by the caller.

left() { echo $(( budget - ($(date +%s) - start) )); }

# step NAME CAP_SECONDS CMD...: runs CMD with a limit of min(CAP, budget left − 20 s), output to the terminal and to
# $OUT/NAME.log; records "NAME rc" in steps.txt. Returns the command's status (124 on timeout).
step() {
  local name=$1 cap=$2 lim rc
  shift 2
  lim=$(( $(left) - 20 ))
  [ "$cap" -lt "$lim" ] && lim=$cap
  if [ "$lim" -lt 5 ]; then
    echo "=== $name: SKIPPED (time budget spent)"
    echo "$name skipped" >> "$OUT/steps.txt"
    return 124
  fi
  echo "=== $name (limit ${lim}s)"
  timeout -k 5 "$lim" "$@" 2>&1 | tee "$OUT/$name.log"
  rc=${PIPESTATUS[0]}
  [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ] && echo "=== $name: TIMED OUT after ${lim}s"
  echo "=== $name: exit $rc"
  echo "$name $rc" >> "$OUT/steps.txt"
  return "$rc"
}

# CUDA libraries: the loader cache, then pip wheels (PyTorch's nvidia/* packages), then toolkit directories.
find_libs() {
  local dirs="" d f
  for f in $(ldconfig -p 2>/dev/null | grep -Eo '/[^ ]*lib(cuda\.so\.1|nvrtc\.so\.1[23]|cublas(Lt)?\.so\.1[23])$'); do
    dirs="$dirs:$(dirname "$f")"
  done
  local roots
  roots=$(timeout 30 python3 -c 'import site, sys; print(" ".join(site.getsitepackages() + [site.getusersitepackages()]))' 2>/dev/null)
  for d in $roots /usr/local/cuda/lib64 /usr/local/cuda-13*/lib64 /usr/local/cuda-12*/lib64 /usr/local/cuda*/targets/*/lib \
      /usr/lib/x86_64-linux-gnu /usr/lib/aarch64-linux-gnu /usr/lib64; do
    [ -d "$d" ] || continue
    for f in $(timeout 30 find "$d" -maxdepth 5 \( -name 'libnvrtc.so.1[23]' -o -name 'libcublas.so.1[23]' \
        -o -name 'libcublasLt.so.1[23]' -o -name 'libcuda.so.1' \) 2>/dev/null); do
      dirs="$dirs:$(dirname "$f")"
    done
  done
  echo "$dirs" | tr ':' '\n' | awk 'NF && !seen[$0]++' | paste -sd: -
}

# The CUDA library directories, exported for the Java side (GLIMPSE_CUDA_LIB_DIRS) and the loader; written to
# $OUT/libdirs.txt by the "libs" step.
cuda_libs_step() {
  step libs 60 bash -c "$(declare -f find_libs); dirs=\$(find_libs); echo \"\$dirs\" > '$OUT/libdirs.txt'; echo \"CUDA library directories: \$dirs\"; for d in \$(echo \"\$dirs\" | tr ':' ' '); do ls \"\$d\" | grep -E '^lib(cuda|nvrtc|cublas)' | sed \"s|^|  \$d/|\"; done"
  libdirs=$(cat "$OUT/libdirs.txt" 2>/dev/null || true)
  export GLIMPSE_CUDA_LIB_DIRS="$libdirs"
  export LD_LIBRARY_PATH="${libdirs}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
}
