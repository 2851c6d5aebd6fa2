#!/usr/bin/env bash
# The .deb and the tarball of the release build, installed and run.
#
# The .deb is unpacked into a throwaway root (dpkg -x) rather than installed on the machine with
# apt-get: the tests run as root on developers' machines and on CI's (the session's own machine),
# where a real installation would put tenantdesk in /usr/bin, add a system user and stay behind (or
# race another run removing it). Instead:
#   - every Depends of the package must be installed here, at a version that satisfies it, so
#     that `apt-get install ./tenantdesk_*.deb` on a Debian 12 machine like this one resolves;
#   - the control data: the maintainer scripts pass `sh -n`, /etc/tenantdesk's file is a conffile;
#   - the files the desktop needs are where it looks (entry, metainfo, MIME, icons, man pages);
#   - systemd-analyze verifies the unit against the unpacked root (its ExecStart exists there)
#     and rates its exposure (`security --offline`) no worse than 2.5;
#   - the installed programs run: tenantdesk --version (offscreen), tenantctl demo into a
#     temporary database, tenantdesk-server on 127.0.0.1 (any free port) answering GET /healthz
#     to curl, then stopped with SIGTERM, exiting 0;
#   - the tarball holds the same programs and no file with an absolute path (/etc, /lib).
#   install.sh RELEASE_BUILD_DIR VERSION
set -euo pipefail
build=$1 version=$2
deb=$(ls "$build"/tenantdesk_"$version"_*.deb)
tarball=$(ls "$build"/tenantdesk-"$version"-*.tar.gz)
work=$(mktemp -d)
server_pid=""
cleanup() {
    [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
export HOME=$work/home XDG_DATA_HOME=$work/data XDG_CONFIG_HOME=$work/config XDG_RUNTIME_DIR=$work/run
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
unset ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS

# Dependencies: each clause satisfied by an installed package (one alternative is enough).
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
IFS=',' read -ra clauses <<<"$depends"
for clause in "${clauses[@]}"; do
    satisfied=no
    IFS='|' read -ra alternatives <<<"$clause"
    for alternative in "${alternatives[@]}"; do
        name=$(awk '{print $1}' <<<"$alternative")
        installed=$(dpkg-query -W -f='${Status} ${Version}' "$name" 2>/dev/null | awk '/install ok installed/ {print $4}') || true
        [ -n "$installed" ] || continue
        if [[ "$alternative" =~ \((\>=|\<=|\>\>|\<\<|=)\ *([^\)]+)\) ]]; then
            relation=${BASH_REMATCH[1]} wanted=${BASH_REMATCH[2]}
            case "$relation" in '>=') op=ge ;; '<=') op=le ;; '>>') op=gt ;; '<<') op=lt ;; '=') op=eq ;; esac
            dpkg --compare-versions "$installed" "$op" "$wanted" || continue
        fi
        satisfied=yes
        break
    done
    [ "$satisfied" = yes ] || fail "the dependency '$clause' is not installed on this machine"
done
echo "every dependency is satisfied by this machine's packages"

# Control data.
mkdir "$work/control"
dpkg-deb -e "$deb" "$work/control"
for script in postinst prerm postrm; do
    [ -x "$work/control/$script" ] || fail "$script is missing or not executable"
    sh -n "$work/control/$script" || fail "$script is not valid sh"
done
grep -qx /etc/tenantdesk/tenantdesk-server.conf "$work/control/conffiles" || fail "/etc/tenantdesk/tenantdesk-server.conf is not a conffile"

# Files.
root=$work/root
dpkg -x "$deb" "$root"
for file in usr/bin/tenantdesk usr/bin/tenantctl usr/bin/tenantdesk-server \
        usr/share/applications/tenantdesk.desktop usr/share/metainfo/example.tenantdesk.TenantDesk.metainfo.xml \
        usr/share/mime/packages/tenantdesk.xml usr/share/icons/hicolor/scalable/apps/tenantdesk.svg \
        usr/share/icons/hicolor/48x48/apps/tenantdesk.png usr/share/icons/hicolor/256x256/apps/tenantdesk.png \
        usr/share/man/man1/tenantdesk.1.gz usr/share/man/man1/tenantctl.1.gz usr/share/man/man1/tenantdesk-server.1.gz \
        usr/share/doc/tenantdesk/copyright usr/share/doc/tenantdesk/changelog.gz \
        lib/systemd/system/tenantdesk-server.service etc/tenantdesk/tenantdesk-server.conf; do
    [ -e "$root/$file" ] || fail "/$file is not in the package"
done
echo "the package holds the programs, the desktop files, the man pages and the server's unit"

if command -v systemd-analyze >/dev/null; then
    # The host's units (sysinit.target and the like) beside the package's, for the dependencies.
    mkdir -p "$root/usr/lib/systemd"
    ln -s /lib/systemd/system "$root/usr/lib/systemd/system"
    unit=$root/lib/systemd/system/tenantdesk-server.service
    verify=$(cd "$work" && systemd-analyze verify --man=no --root="$root" "$unit" 2>&1) || { echo "$verify"; fail "systemd-analyze verify"; }
    [ -z "$verify" ] || { echo "$verify"; fail "systemd-analyze verify warns"; }
    exposure=$(cd "$work" && systemd-analyze security --offline=yes --root="$root" tenantdesk-server.service 2>&1 |
        sed -n 's/.*Overall exposure level for tenantdesk-server.service: \([0-9.]*\).*/\1/p')
    [ -n "$exposure" ] || fail "systemd-analyze security gave no exposure level"
    awk -v e="$exposure" 'BEGIN { exit !(e <= 2.5) }' || fail "the unit's exposure level is $exposure, above 2.5"
    rm "$root/usr/lib/systemd/system"
    echo "systemd-analyze: the unit verifies; exposure $exposure"
else
    echo "systemd-analyze is not installed: the unit was not verified"
fi

# The installed programs.
out=$(QT_QPA_PLATFORM=offscreen timeout 60 "$root/usr/bin/tenantdesk" --version)
[ "$out" = "TenantDesk $version" ] || fail "tenantdesk --version printed '$out'"
echo "installed tenantdesk --version: $out"
[ "$("$root/usr/bin/tenantctl" --version)" = "tenantctl $version" ] || fail "tenantctl --version"

database=$work/x.tenantdesk
timeout 300 "$root/usr/bin/tenantctl" --database "$database" demo --scale 3 --users 20 --usage-days 1 \
    > "$work/demo.out" 2> "$work/demo.err" || { cat "$work/demo.err"; fail "tenantctl demo"; }
cat "$work/demo.out"
grep -q '^Generated 3 tenants' "$work/demo.out" || fail "tenantctl demo did not generate 3 tenants"
top=$("$root/usr/bin/tenantctl" --database "$database" tenants list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$top" -ge 1 ] || fail "tenantctl tenants list shows no tenant in the demo database"
echo "installed tenantctl made a demo database of 3 tenants"

"$root/usr/bin/tenantdesk-server" --database "sqlite:$database" --listen 127.0.0.1:0 \
    --signing-key "$work/signing.key" --threads 4 > "$work/server.out" 2> "$work/server.err" &
server_pid=$!
port=""
for _ in $(seq 1 300); do
    port=$(sed -n 's|^tenantdesk-server listening on http://127.0.0.1:\([0-9]*\)$|\1|p' "$work/server.out")
    [ -n "$port" ] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.err"; fail "tenantdesk-server ended before listening"; }
    sleep 0.1
done
[ -n "$port" ] || { cat "$work/server.err"; fail "tenantdesk-server did not say where it listens"; }
health=$(curl --silent --show-error --fail --max-time 10 "http://127.0.0.1:$port/healthz") \
    || { cat "$work/server.err"; fail "GET /healthz"; }
echo "installed tenantdesk-server on 127.0.0.1:$port: GET /healthz: $health"
kill -TERM "$server_pid"
server_status=0
wait "$server_pid" || server_status=$?
server_pid=""
[ "$server_status" -eq 0 ] || { cat "$work/server.err"; fail "tenantdesk-server exited with $server_status after SIGTERM"; }
echo "tenantdesk-server stopped on SIGTERM"

# The tarball: the same programs under one top directory, nothing with an absolute path.
listing=$(tar -tzf "$tarball")
top=$(basename "$tarball" .tar.gz)
for file in bin/tenantdesk bin/tenantctl bin/tenantdesk-server share/applications/tenantdesk.desktop \
        share/man/man1/tenantctl.1.gz; do
    grep -qx "$top/$file" <<<"$listing" || fail "the tarball lacks $top/$file"
done
! grep -qE "^$top/(etc|lib)/" <<<"$listing" || fail "the tarball holds system files (etc/ or lib/)"
mkdir "$work/tgz"
tar -xzf "$tarball" -C "$work/tgz"
[ "$(QT_QPA_PLATFORM=offscreen "$work/tgz/$top/bin/tenantdesk" --version)" = "TenantDesk $version" ] || fail "the tarball's tenantdesk"
echo "the tarball holds the programs, and they run"
