#!/bin/sh
# Builds the UEFI agent application: agent/build.sh [OUTDIR]  ->  OUTDIR/hilagent.efi (default agent/build/).
# Needs gcc, binutils (ld, objcopy) and Debian's gnu-efi package (x86_64).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-"$here/build"}

EFI_INC=/usr/include/efi
EFI_LIB=/usr/lib
CRT0=$EFI_LIB/crt0-efi-x86_64.o
LDS=$EFI_LIB/elf_x86_64_efi.lds

fail() {
    echo "build.sh: $*" >&2
    exit 1
}

for f in "$EFI_INC/efi.h" "$EFI_INC/x86_64/efibind.h" "$CRT0" "$LDS" "$EFI_LIB/libefi.a" "$EFI_LIB/libgnuefi.a"; do
    [ -e "$f" ] || fail "gnu-efi is not installed ($f is missing); install the Debian package 'gnu-efi' (apt-get install gnu-efi)"
done
for tool in gcc ld objcopy; do
    command -v "$tool" >/dev/null 2>&1 || fail "'$tool' not found; install the Debian packages 'gcc' and 'binutils'"
done

mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Flags of a gnu-efi application: position-independent, no red zone (firmware interrupts use the
# stack), 2-byte wchar_t for CHAR16 literals, no host runtime.
gcc -I"$EFI_INC" -I"$EFI_INC/x86_64" -I"$EFI_INC/protocol" \
    -std=gnu11 -O2 -Wall -Wextra \
    -fpic -ffreestanding -fno-stack-protector -fno-strict-aliasing -fshort-wchar \
    -mno-red-zone -maccumulate-outgoing-args \
    -c "$here/hilagent.c" -o "$work/hilagent.o"

ld -shared -Bsymbolic -nostdlib -znocombreloc -T "$LDS" "$CRT0" "$work/hilagent.o" \
    -L"$EFI_LIB" -lefi -lgnuefi -o "$work/hilagent.so"

# Subsystem 10 = EFI application.
objcopy -j .text -j .sdata -j .data -j .rodata -j .dynamic -j .dynsym \
    -j .rel -j '.rel.*' -j .rela -j '.rela.*' -j .reloc \
    --target efi-app-x86_64 --subsystem=10 "$work/hilagent.so" "$out/hilagent.efi"

echo "$out/hilagent.efi"

# The runtime-driver test images go next to the agent, which loads them (RTDRV).
sh "$here/rtdriver/build.sh" "$out"
