#!/usr/bin/env bash
# The man pages render without groff warnings and stay true to the programs: every option that a
# program's --help lists is in its man page's OPTIONS section, which names no other (and every
# tenantctl command of --help is in tenantctl.1).
#   check-manpages.sh MAN_DIR TENANTDESK TENANTCTL TENANTDESK_SERVER
set -euo pipefail
man_dir=$1
declare -A binary=([tenantdesk]=$2 [tenantctl]=$3 [tenantdesk-server]=$4)
export QT_QPA_PLATFORM=offscreen HOME=$(mktemp -d)
export XDG_RUNTIME_DIR=$HOME/run XDG_CONFIG_HOME=$HOME/config XDG_DATA_HOME=$HOME/data
mkdir -m 700 "$XDG_RUNTIME_DIR"
trap 'rm -rf "$HOME"' EXIT
status=0
for program in tenantdesk tenantctl tenantdesk-server; do
    page=$man_dir/$program.1
    warnings=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$page" 2>&1) || true
    [ -z "$warnings" ] || { echo "FAIL: groff warns about $page:"; echo "$warnings"; status=1; }
    rendered=$(groff -man -Tascii -P-cbou -rLL=200n -rHY=0 "$page" 2>/dev/null)
    help=$("${binary[$program]}" --help)
    help_options=$(grep -oE -- '(^|[ ,])--[a-z][a-z-]*' <<<"$help" | grep -oE -- '--[a-z-]+' | sort -u)
    # The options the page documents: those of its OPTIONS section.
    page_options=$(awk '/^OPTIONS$/ { on = 1; next } /^[A-Z]/ { on = 0 } on' <<<"$rendered" | grep -oE -- '--[a-z][a-z-]*' | sort -u)
    # tenantdesk-server's parser lists --help-all, which it does not act on: not documented.
    [ "$program" = tenantdesk-server ] && help_options=$(grep -vx -- --help-all <<<"$help_options")
    missing=$(comm -23 <(echo "$help_options") <(echo "$page_options"))
    extra=$(comm -13 <(echo "$help_options") <(echo "$page_options"))
    [ -z "$missing" ] || { echo "FAIL: $program --help has options that $program.1 lacks:" $missing; status=1; }
    [ -z "$extra" ] || { echo "FAIL: $program.1 names options that $program --help does not:" $extra; status=1; }
    if [ "$program" = tenantctl ]; then
        # Each command line of the help (two-space indent, then a word) is a command in the page.
        while read -r command; do
            grep -qF -- "$command" <<<"$rendered" || { echo "FAIL: tenantctl.1 lacks the command \"$command\""; status=1; }
        done < <(sed -n '/^Commands:/,/^Options:/p' <<<"$help" | grep -E '^  [a-z]' | awk '{ if ($1 == "demo") print $1; else print $1 " " $2 }')
    fi
    echo "$program.1: $(wc -l <<<"$help_options") options checked"
done
exit $status
