#!/usr/bin/env bash
# Builds the libFuzzer harness on the kernel's register-level ABI
# (Fuzz/ABIFuzz.swift) and runs it for SECONDS (default 60).
#
#   Scripts/fuzz-abi.sh [SECONDS]
#
# 1. Builds the modules the harness imports (as in Package.swift, unchanged
#    sources: the ABI, the spec, the kernel and the lockstep) and the harness with
#    `swiftc -O -sanitize=fuzzer,address` into .build-fuzz/.
# 2. Runs every input in Fuzz/regressions/ (inputs that once failed).
# 3. Fuzzes for SECONDS from the seed corpus Fuzz/corpus/ (new corpus entries
#    go to .build-fuzz/corpus/, not into the repository). Crashing inputs are
#    saved as .build-fuzz/artifacts/crash-*.
# Exits non-zero if a regression input fails or the fuzzer finds anything.
#
# Environment: SWIFTC (default: swiftc on PATH, else /opt/swift/usr/bin/swiftc),
# FUZZ_FLAGS (extra libFuzzer flags, e.g. -fork=2). Logs: .build-fuzz/{build,regressions,fuzz}.log.
set -euo pipefail

SECONDS_TO_RUN="${1:-60}"
case "$SECONDS_TO_RUN" in ''|*[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2;; esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SWIFTC="${SWIFTC:-$(command -v swiftc || echo /opt/swift/usr/bin/swiftc)}"
OUT="$ROOT/.build-fuzz"
BIN="$OUT/abi-fuzz"
FLAGS=(-O -sanitize=fuzzer,address -parse-as-library -whole-module-optimization)

mkdir -p "$OUT/modules" "$OUT/artifacts" "$OUT/corpus"

# --- Build ---------------------------------------------------------------
# Rebuild only when a source (or this script) is newer than the binary.
# The modules the harness imports, in dependency order (Package.swift's targets).
MODULES=(LiteBoxABI LiteBoxSpec LiteBoxFormats ModelCheck LiteBoxModel LiteBoxKernel LiteBoxRefinement)
SOURCES=(Fuzz/ABIFuzz.swift Scripts/fuzz-abi.sh)
for m in "${MODULES[@]}"; do SOURCES+=(Sources/"$m"/*.swift); done
stale=1
if [[ -x "$BIN" ]]; then
    stale=0
    for f in "${SOURCES[@]}"; do [[ "$f" -nt "$BIN" ]] && { stale=1; break; }; done
fi
t0=$(date +%s)
if (( stale )); then
    echo "fuzz-abi: building $BIN"
    rm -f "$BIN"
    {
    objects=()
    for m in "${MODULES[@]}"; do
        "$SWIFTC" "${FLAGS[@]}" -module-name "$m" -emit-module \
            -emit-module-path "$OUT/modules/$m.swiftmodule" -I "$OUT/modules" \
            -c Sources/"$m"/*.swift -o "$OUT/$m.o" || exit 1
        objects+=("$OUT/$m.o")
    done
    "$SWIFTC" "${FLAGS[@]}" -module-name ABIFuzz -I "$OUT/modules" \
        Fuzz/ABIFuzz.swift "${objects[@]}" -o "$BIN"
    } >"$OUT/build.log" 2>&1 || {
        # (the linker's "Cannot export local symbol '__asan_…'" warnings are harmless)
        grep -v "Cannot export local symbol" "$OUT/build.log" | tail -n 60
        echo "fuzz-abi: build FAILED (full log: $OUT/build.log)" >&2
        exit 1
    }
    echo "fuzz-abi: built in $(( $(date +%s) - t0 ))s"
else
    echo "fuzz-abi: $BIN is up to date"
fi

# ASan: abort on the first report so libFuzzer saves the input. The Swift
# runtime's own backtracer does not get along with ASan; libFuzzer prints the stack.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1:symbolize=1}"
export SWIFT_BACKTRACE="${SWIFT_BACKTRACE:-enable=no}"

# --- Regressions -----------------------------------------------------------
shopt -s nullglob
regressions=(Fuzz/regressions/*)
if (( ${#regressions[@]} )); then
    echo "fuzz-abi: running ${#regressions[@]} regression input(s)"
    if ! "$BIN" -artifact_prefix="$OUT/artifacts/" "${regressions[@]}" >"$OUT/regressions.log" 2>&1; then
        grep -v '^INFO' "$OUT/regressions.log" | head -n 150
        echo "fuzz-abi: FAILED: a regression input fails again (full log: $OUT/regressions.log)" >&2
        exit 1
    fi
fi

# --- Fuzz ----------------------------------------------------------------
rm -f "$OUT"/artifacts/crash-* "$OUT"/artifacts/leak-* "$OUT"/artifacts/timeout-* "$OUT"/artifacts/oom-*
echo "fuzz-abi: fuzzing for ${SECONDS_TO_RUN}s"
status=0
# shellcheck disable=SC2086
"$BIN" "$OUT/corpus" Fuzz/corpus \
    -max_total_time="$SECONDS_TO_RUN" -max_len=4096 -timeout=10 -rss_limit_mb=4096 \
    -artifact_prefix="$OUT/artifacts/" -print_final_stats=1 \
    ${FUZZ_FLAGS:-} \
    >"$OUT/fuzz.log" 2>&1 || status=$?
artifacts=("$OUT"/artifacts/*)
if (( status != 0 || ${#artifacts[@]} )); then
    grep -v -e '^#[0-9]' -e '^INFO' "$OUT/fuzz.log" | head -n 150
    echo "fuzz-abi: FAILED (libFuzzer exit $status); inputs: ${artifacts[*]:-none} (full log: $OUT/fuzz.log)" >&2
    echo "fuzz-abi: reproduce: $BIN FILE" >&2
    echo "fuzz-abi: minimise: $BIN -minimize_crash=1 -max_total_time=60 -exact_artifact_path=Fuzz/regressions/NAME FILE" >&2
    exit 1
fi
grep -E '^(#[0-9]+[[:space:]]+DONE|stat::)' "$OUT/fuzz.log" || tail -n 5 "$OUT/fuzz.log"
echo "fuzz-abi: OK, nothing found in ${SECONDS_TO_RUN}s"
