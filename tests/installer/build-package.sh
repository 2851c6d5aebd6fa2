#!/usr/bin/env bash
# CTest fixture installer_package: builds the release preset and its packages, as a person would:
#   cmake --preset release && cmake --build --preset release --target package
# (with ccache when it is installed), after removing packages left by an earlier build so that the
# tests after it never look at a stale one. Runs alone (RUN_SERIAL): it uses every core.
set -euo pipefail
source_dir=$1
cd "$source_dir"
rm -f build/release/tenantdesk_*.deb build/release/tenantdesk-*.tar.gz
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
start=$SECONDS
cmake --preset release "${launcher[@]}" > build-package.log 2>&1 || { cat build-package.log; exit 1; }
rm -f build-package.log
# The sanitizer settings of the dev tests must not reach the compiler or dpkg-shlibdeps.
unset ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS
cmake --build --preset release --target package
ls -l build/release/tenantdesk_*.deb build/release/tenantdesk-*.tar.gz
echo "release build and packages: $((SECONDS - start)) s"
