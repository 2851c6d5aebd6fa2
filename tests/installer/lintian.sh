#!/usr/bin/env bash
# lintian on the .deb of the release build: no errors. Warnings are printed, and allowed.
#   lintian.sh RELEASE_BUILD_DIR
set -euo pipefail
deb=$(ls "$1"/tenantdesk_*.deb)
status=0
output=$(lintian --display-info --color never "$deb" 2>&1) || status=$?
echo "$output"
if grep -q '^E: ' <<<"$output"; then
    echo "FAIL: lintian reports errors"
    exit 1
fi
# lintian's own failure (not a tag): status 1 with no tags means it could not run.
if [ "$status" -ne 0 ] && ! grep -q '^[WIPX]: ' <<<"$output"; then
    echo "FAIL: lintian exited with $status"
    exit 1
fi
echo "lintian: no errors ($(grep -c '^W: ' <<<"$output" || true) warnings)"
