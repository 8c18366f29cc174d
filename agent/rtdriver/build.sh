#!/bin/sh
# Builds the runtime-driver test images: agent/rtdriver/build.sh [OUTDIR]
#   -> OUTDIR/hilrtdrv.efi (EFI_RUNTIME_DRIVER) and OUTDIR/hilbsdrv.efi (EFI_BOOT_SERVICE_DRIVER), default
#      agent/rtdriver/build/. Needs gcc, binutils and Debian's gnu-efi package (x86_64), as agent/build.sh.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../gnu-efi.sh"

# As the agent's flags, plus: hidden visibility and no library calls made up by the compiler, so that the code that
# runs after SetVirtualAddressMap reaches its data only RIP-relative (nothing through the GOT, whose absolute
# addresses the firmware would not relocate for virtual mode: gnu-efi images carry no PE relocations).
build() { # $1 = image name, $2 = objcopy target, $3 = subsystem, $4... = extra gcc flags
    name=$1 target=$2 subsystem=$3
    shift 3
    gcc -I"$EFI_INC" -I"$EFI_INC/x86_64" -I"$EFI_INC/protocol" \
        -std=gnu11 -O2 -Wall -Wextra -Wno-cast-function-type \
        -fpic -fvisibility=hidden -ffreestanding -fno-builtin -fno-tree-loop-distribute-patterns \
        -fno-stack-protector -fno-strict-aliasing -fshort-wchar -mno-red-zone -maccumulate-outgoing-args "$@" \
        -c "$here/hilrtdrv.c" -o "$work/$name.o"
    ld -shared -Bsymbolic -nostdlib -znocombreloc -T "$LDS" "$CRT0" "$work/$name.o" \
        -L"$EFI_LIB" -lefi -lgnuefi -o "$work/$name.so"
    objcopy -j .text -j .sdata -j .data -j .rodata -j .dynamic -j .dynsym \
        -j .rel -j '.rel.*' -j .rela -j '.rela.*' -j .reloc \
        --target "$target" --subsystem="$subsystem" "$work/$name.so" "$out/$name.efi"
    echo "$out/$name.efi"
}

# Subsystem 12 = EFI runtime driver, 11 = EFI boot service driver.
build hilrtdrv efi-rtdrv-x86_64 12
build hilbsdrv efi-bsdrv-x86_64 11 -DHIL_BS_IMAGE
