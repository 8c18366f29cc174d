#!/bin/sh
# Builds the UEFI agent application: agent/build.sh [OUTDIR]  ->  OUTDIR/hilagent.efi (default agent/build/).
# Needs gcc, binutils (ld, objcopy) and Debian's gnu-efi package (x86_64).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
. "$here/gnu-efi.sh"

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
