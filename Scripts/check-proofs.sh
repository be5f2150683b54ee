#!/usr/bin/env bash
# Checks every proof obligation file with two independent command-line
# solvers: each proofs/*.smt2 must be answered `unsat` by both z3 and cvc5
# (Debian: `apt-get install z3 cvc5`). Runs one solver process per core.
# Usage: Scripts/check-proofs.sh [DIR]   (default: proofs)
# Exit 0 when every file is unsat for both; 1 otherwise; 2 if a solver is missing.
set -uo pipefail
dir="${1:-proofs}"
for s in z3 cvc5; do
    command -v "$s" >/dev/null || { echo "check-proofs: '$s' not found; install it with: apt-get install -y $s" >&2; exit 2; }
done
shopt -s nullglob
files=("$dir"/*.smt2)
[ ${#files[@]} -gt 0 ] || { echo "check-proofs: no .smt2 files in $dir" >&2; exit 2; }
echo "check-proofs: ${#files[@]} files, $(z3 --version), $(cvc5 --version | head -1)"
out=$(mktemp)
# A generous guard so that CI cannot hang; an obligation that needs it fails.
check_one() {
    f=$1
    for s in z3 cvc5; do
        start=$(date +%s.%N)
        r=$(timeout 600 "$s" "$f" 2>&1 | tr '\n' ' ' | sed 's/ *$//')
        end=$(date +%s.%N)
        printf "%s %s %s %s\n" "$(basename "$f" .smt2)" "$s" "${r:-timeout}" "$(awk -v a="$start" -v b="$end" "BEGIN { printf \"%.2f\", b - a }")"
    done
}
export -f check_one
start=$(date +%s)
printf '%s\n' "${files[@]}" | xargs -P "$(nproc)" -n 1 bash -c 'check_one "$0"' > "$out"
total=$(( $(date +%s) - start ))
bad=$(awk '$3 != "unsat"' "$out")
for s in z3 cvc5; do
    awk -v s="$s" '$2 == s { n++; t += $NF; if ($3 == "unsat") u++ } END { printf "  %-5s %d/%d unsat, %.1f s of solver time\n", s, u, n, t }' "$out"
done
echo "  slowest:"
sort -k4 -rn "$out" | head -5 | awk '{ printf "    %-40s %-5s %8.2f s\n", $1, $2, $4 }'
echo "  wall clock: ${total} s"
rm -f "$out"
if [ -n "$bad" ]; then
    echo "check-proofs: FAILED (not unsat):"
    echo "$bad"
    exit 1
fi
echo "check-proofs: every obligation is unsat for both solvers"
