#!/usr/bin/env bash
# Regenerates the strace recordings of Tests/Traces/strace/ (the corpus of the
# StraceImport parser). Needs strace (`apt-get install strace`) and
# /usr/bin/python3 (the system interpreter, not a pyenv shim).
#
#   Scripts/record-strace-corpus.sh
#
# The exact commands (OUT = Tests/Traces/strace):
#   strace -f                    -o OUT/ls-root.strace            ls -la /
#   strace -f -tt -T -y          -o OUT/cat-hostname.strace       cat /etc/hostname
#   strace -f                    -o OUT/sh-pipeline.strace        sh -c 'ls / | wc -l'
#   strace -f                    -o OUT/cat-nonexistent.strace    cat /nonexistent
#   strace -ff -tt               -o OUT/python-threads.ff/python  /usr/bin/python3 -c THREADS
#   strace -f                    -o OUT/python-mmap.strace        /usr/bin/python3 -c MMAP
#   strace -f -X raw             -o OUT/raw-true.strace           /bin/true
#   strace -f -ttt -s 8          -o OUT/ttt-s8-head.strace        head -c 16 /etc/passwd
# (THREADS and MMAP are the Python programs below.) The recordings are
# machine-specific (paths, addresses, pids); failures of the traced programs
# (cat /nonexistent) are expected.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/Tests/Traces/strace"
STRACE="${STRACE:-$(command -v strace || true)}"
PYTHON=/usr/bin/python3
if [ -z "$STRACE" ]; then echo "error: strace not found on PATH (apt-get install strace)" >&2; exit 2; fi
if [ ! -x "$PYTHON" ]; then echo "error: $PYTHON not found" >&2; exit 2; fi
mkdir -p "$OUT"
cd "$OUT"

THREADS='
import threading
def work(n):
    s = 0
    for i in range(20000):
        s += i * n
    return s
ts = [threading.Thread(target=work, args=(k,)) for k in range(3)]
for t in ts: t.start()
for t in ts: t.join()
print("threads done")
'

MMAP='
import ctypes, ctypes.util
libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
PROT_READ, PROT_WRITE, MAP_PRIVATE, MAP_ANONYMOUS = 1, 2, 0x02, 0x20
p = libc.mmap(None, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
ctypes.memset(p, 0x41, 8192)
assert libc.mprotect(p, 4096, PROT_READ) == 0
assert libc.munmap(p, 8192) == 0
print("mmap done")
'

"$STRACE" -f -o ls-root.strace ls -la / > /dev/null
"$STRACE" -f -tt -T -y -o cat-hostname.strace cat /etc/hostname > /dev/null
"$STRACE" -f -o sh-pipeline.strace sh -c 'ls / | wc -l' > /dev/null
"$STRACE" -f -o cat-nonexistent.strace cat /nonexistent 2> /dev/null
rm -rf python-threads.ff && mkdir python-threads.ff
"$STRACE" -ff -tt -o python-threads.ff/python "$PYTHON" -c "$THREADS" > /dev/null
"$STRACE" -f -o python-mmap.strace "$PYTHON" -c "$MMAP" > /dev/null
"$STRACE" -f -X raw -o raw-true.strace /bin/true
"$STRACE" -f -ttt -s 8 -o ttt-s8-head.strace head -c 16 /etc/passwd > /dev/null
wc -c ./*.strace python-threads.ff/*
