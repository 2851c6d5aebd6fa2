#!/usr/bin/env bash
# Starts `tenantdesk --demo` on a real X server (Xvfb) with private data folders, and passes when
# its main window appears on screen with the demo platform open.
set -euo pipefail
binary=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache"
export XDG_RUNTIME_DIR="$work/runtime"
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
unset QT_QPA_PLATFORM

cat > "$work/inside.sh" <<'INSIDE'
#!/usr/bin/env bash
set -u
"$1" --demo > "$2/out.log" 2>&1 &
pid=$!
for _ in $(seq 1 240); do
    if ! kill -0 "$pid" 2>/dev/null; then
        echo "tenantdesk exited early:"; cat "$2/out.log"; exit 1
    fi
    # The title names the demo database once it is open.
    if xwininfo -root -tree 2>/dev/null | grep -q '"demo.tenantdesk — TenantDesk"'; then
        sleep 2
        if [ -n "${TENANTDESK_SMOKE_SCREENSHOT:-}" ] && command -v import >/dev/null; then
            import -window root "$TENANTDESK_SMOKE_SCREENSHOT" || true
        fi
        kill "$pid"; wait "$pid" 2>/dev/null
        echo "main window shown with the demo platform"
        exit 0
    fi
    sleep 0.5
done
echo "no TenantDesk window appeared within 120 s:"; cat "$2/out.log"
kill "$pid" 2>/dev/null
exit 1
INSIDE
chmod +x "$work/inside.sh"
xvfb-run -a -s '-screen 0 1600x1000x24' "$work/inside.sh" "$binary" "$work"
test -f "$XDG_DATA_HOME/TenantDesk/TenantDesk/demo.tenantdesk" || { echo "no demo database was written"; exit 1; }
