#!/bin/sh
# Checks for the programs the old-glibc native link needs (AppHost.Server.Glibc.targets): prints nothing when all are
# here, else one line naming the missing ones and the packages to install. Usage: sh missing-link-tools.sh [cross]
missing=
command -v clang >/dev/null || missing="$missing, clang"
command -v ld.lld >/dev/null || missing="$missing, ld.lld"
# NativeAOT splits the debug symbols out with llvm-objcopy, or with GNU objcopy, which reads only this machine's processor.
command -v llvm-objcopy >/dev/null || { [ "${1:-}" != cross ] && command -v objcopy >/dev/null; } || missing="$missing, llvm-objcopy"
# The sysroot's Debian packages hold their files in data.tar.xz, which tar unpacks by running xz.
command -v xz >/dev/null || missing="$missing, xz"
[ -z "$missing" ] && exit 0
echo "this machine lacks ${missing#, }: sudo apt-get install clang lld llvm xz-utils (Fedora: sudo dnf install clang lld llvm xz)"
