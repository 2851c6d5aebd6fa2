#!/usr/bin/env bash
# `tenantdesk --database FILE` (or a bare `tenantdesk FILE`, as a desktop launcher starts it) with a
# file it cannot open ends with status 1 and names the file and the cause on stderr; the file is left
# as it was. Bad command lines (--email without --server,
# two sources, a server address that is not https) end with status 2 and the reason.
set -euo pipefail
binary=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config" QT_QPA_PLATFORM=offscreen
mkdir -p "$HOME"

check() { # FILE EXPECTED-CAUSE [--bare]
    local before="" status=0 option=(--database)
    [ "${3:-}" = --bare ] && option=()
    [ -f "$1" ] && before=$(sha256sum "$1")
    timeout 60 "$binary" "${option[@]}" "$1" > "$work/out" 2> "$work/err" || status=$?
    if [ "$status" -ne 1 ]; then echo "expected exit status 1 for $1, got $status"; cat "$work/err"; exit 1; fi
    grep -qF "$1" "$work/err" || { echo "stderr does not name $1:"; cat "$work/err"; exit 1; }
    grep -qF "$2" "$work/err" || { echo "stderr does not say '$2':"; cat "$work/err"; exit 1; }
    [ -z "$before" ] || [ "$before" = "$(sha256sum "$1")" ] || { echo "$1 was changed"; exit 1; }
    [ -f "$1" ] || [ -z "$before" ] || { echo "$1 disappeared"; exit 1; }
}

check "$work/missing.tenantdesk" "does not exist"
[ ! -e "$work/missing.tenantdesk" ] || { echo "a missing database was created"; exit 1; }
printf 'name,slug\nAcme,acme\n' > "$work/tenants.csv"
check "$work/tenants.csv" "not an SQLite database"
: > "$work/empty.tenantdesk"
check "$work/empty.tenantdesk" "empty file"
check "$work/tenants.csv" "not an SQLite database" --bare
check "$work/missing.tenantdesk" "does not exist" --bare
[ ! -e "$work/missing.tenantdesk" ] || { echo "a missing database was created"; exit 1; }
echo "each bad database was refused by name and left untouched, given with --database or bare"

# Bad command lines: status 2 and what is wrong.
usage() { # EXPECTED-MESSAGE ARGS...
    local expected=$1 status=0
    shift
    timeout 60 "$binary" "$@" > "$work/out" 2> "$work/err" || status=$?
    if [ "$status" -ne 2 ]; then echo "expected exit status 2 for $*, got $status"; cat "$work/err"; exit 1; fi
    grep -qF -- "$expected" "$work/err" || { echo "stderr does not say '$expected' for $*:"; cat "$work/err"; exit 1; }
}
usage "--email goes with --server" --email ann@example.com
usage "choose one of" --demo --server https://tenants.example.com
usage "--server:" --server ftp://tenants.example.com
usage "--server:" --server http://tenants.example.com
usage "choose one of" --demo "$work/empty.tenantdesk"
usage "choose one of" --database "$work/empty.tenantdesk" "$work/tenants.csv"
usage "one database file at a time" "$work/empty.tenantdesk" "$work/tenants.csv"
echo "bad command lines were refused with the reason"
