#!/usr/bin/env bash
# build-fuzzers.sh SOURCE_DIR: configures and builds the fuzz preset (clang with libFuzzer,
# AddressSanitizer and UBSan) into SOURCE_DIR/build/fuzz, for the tests labelled fuzz.
set -euo pipefail
cd "$1"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake --preset fuzz "${launcher[@]}" >/dev/null
cmake --build --preset fuzz
