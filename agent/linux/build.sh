#!/bin/sh
# Builds the guest agent of the OS phase: agent/linux/build.sh [OUTDIR]  ->  OUTDIR/hilguest (default agent/linux/build/).
# A static x86_64 Linux program: needs gcc and glibc's static C library (Debian packages gcc and libc6-dev).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-"$here/build"}

fail() {
    echo "build.sh: $*" >&2
    exit 1
}

command -v gcc >/dev/null 2>&1 || fail "'gcc' not found; install the Debian package 'gcc'"
libc_a=$(gcc -print-file-name=libc.a)
[ -f "$libc_a" ] || fail "glibc's static C library (libc.a) is missing; install the Debian package 'libc6-dev'"

mkdir -p "$out"
# Static, so the initramfs needs no shared libraries; the binary runs on the guest kernel's own terms.
gcc -std=gnu11 -O2 -Wall -Wextra -static -s -o "$out/hilguest.tmp" "$here/hilguest.c"
mv "$out/hilguest.tmp" "$out/hilguest"
echo "$out/hilguest"
