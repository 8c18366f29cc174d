# Sourced by the build scripts of the UEFI images (agent/build.sh, agent/rtdriver/build.sh,
# agent/rtcall/build.sh): Debian's gnu-efi paths, the check that gnu-efi, gcc and binutils are there,
# the output directory ($out, from the script's first argument, default $here/build) and a scratch
# directory ($work, removed on exit). The caller sets $here to its own directory first.

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

out=${1:-"$here/build"}
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
