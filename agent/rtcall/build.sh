#!/bin/sh
# Builds the runtime driver of the OS phase's raw calls: agent/rtcall/build.sh [OUTDIR]
#   ->  OUTDIR/hilrtcall.efi (default agent/rtcall/build/).
# Needs gcc, binutils (ld, objcopy) and Debian's gnu-efi package (x86_64).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../gnu-efi.sh"

# As the agent, plus: the Microsoft calling convention for EFIAPI functions (the firmware and the OS call the
# wrappers directly), hidden visibility (globals reached RIP-relative, not through GOT entries holding physical
# addresses that SetVirtualAddressMap does not convert) and no library calls made up by the compiler.
gcc -I"$EFI_INC" -I"$EFI_INC/x86_64" -I"$EFI_INC/protocol" \
    -std=gnu11 -O2 -Wall -Wextra -DGNU_EFI_USE_MS_ABI -fvisibility=hidden \
    -fpic -ffreestanding -fno-builtin -fno-tree-loop-distribute-patterns -fno-stack-protector \
    -fno-strict-aliasing -fshort-wchar -mno-red-zone -maccumulate-outgoing-args \
    -c "$here/hilrtcall.c" -o "$work/hilrtcall.o"

ld -shared -Bsymbolic -nostdlib -znocombreloc -T "$LDS" "$CRT0" "$work/hilrtcall.o" \
    -L"$EFI_LIB" -lgnuefi -o "$work/hilrtcall.so"

# The image must not need load-time fixups beyond gnu-efi's own start-up code: EDK II relocates a runtime
# image for SetVirtualAddressMap with its PE relocations only, and gnu-efi images carry none.
if readelf -r "$work/hilrtcall.so" | grep -q 'R_X86_64_\(RELATIVE\|64\|GLOB_DAT\)'; then
    readelf -r "$work/hilrtcall.so" >&2
    fail "hilrtcall.so has absolute relocations; SetVirtualAddressMap would leave them physical"
fi

# Subsystem 12 = EFI runtime driver: the firmware loads it into EfiRuntimeServicesCode.
objcopy -j .text -j .sdata -j .data -j .rodata -j .dynamic -j .dynsym \
    -j .rel -j '.rel.*' -j .rela -j '.rela.*' -j .reloc \
    --target efi-rtdrv-x86_64 --subsystem=12 "$work/hilrtcall.so" "$out/hilrtcall.efi"

echo "$out/hilrtcall.efi"
