#!/usr/bin/env bash
# The desktop entry, the AppStream metainfo and the MIME type as the desktop reads them, from the
# source tree (no package needed):
#   desktop-file-validate and appstreamcli validate (--no-net: the screenshot URLs are not fetched,
#   but each must name a docs/ PNG that exists in the repository)
#   update-mime-database into a temporary directory: *.tenantdesk is application/x-tenantdesk-review,
#   and the desktop entry opens that type with the file as its argument (Exec=tenantdesk %f)
#   one version everywhere: CMake's project version, debian/changelog's top entry, the newest
#   AppStream release and the man pages' headers
set -euo pipefail
source_dir=$1 version=$2
installer=$source_dir/installer
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

desktop=$installer/tenantdesk.desktop
desktop-file-validate "$desktop" || fail "desktop-file-validate"
metainfo=$installer/example.tenantdesk.TenantDesk.metainfo.xml
appstreamcli validate --no-net --pedantic "$metainfo" || fail "appstreamcli validate"

grep -qx 'Exec=tenantdesk %f' "$desktop" || fail "the desktop entry does not start tenantdesk with the file (%f)"
grep -qx 'MimeType=application/x-tenantdesk-review;' "$desktop" || fail "the desktop entry does not open application/x-tenantdesk-review"
grep -qx 'Icon=tenantdesk' "$desktop" || fail "the desktop entry's icon is not tenantdesk"
grep -q '<launchable type="desktop-id">tenantdesk.desktop</launchable>' "$metainfo" || fail "metainfo does not launch tenantdesk.desktop"
for url in $(grep -o '<image>[^<]*</image>' "$metainfo" | sed 's/<[^>]*>//g'); do
    case "$url" in https://*/docs/*.png) ;; *) fail "screenshot $url is not an https URL of a docs/ PNG" ;; esac
    [ -f "$source_dir/docs/${url##*/}" ] || fail "screenshot $url: docs/${url##*/} is not in the repository"
done
echo "desktop entry and metainfo valid; screenshots are in docs/"

mkdir -p "$work/mime/packages"
cp /usr/share/mime/packages/freedesktop.org.xml "$installer/tenantdesk-mime.xml" "$work/mime/packages/"
update-mime-database "$work/mime" > "$work/mime.log" 2>&1 || { cat "$work/mime.log"; fail "update-mime-database"; }
! grep -q tenantdesk "$work/mime.log" || { cat "$work/mime.log"; fail "update-mime-database complained about tenantdesk-mime.xml"; }
grep -qx '50:application/x-tenantdesk-review:\*.tenantdesk' "$work/mime/globs2" || fail "*.tenantdesk is not application/x-tenantdesk-review in globs2"
grep -qx 'application/x-tenantdesk-review application/vnd.sqlite3' "$work/mime/subclasses" || fail "the type is not a kind of SQLite database"
echo "*.tenantdesk is application/x-tenantdesk-review, opened by tenantdesk"

changelog_version=$(sed -n '1s/^tenantdesk (\([^)]*\)).*/\1/p' "$installer/debian/changelog")
[ "$changelog_version" = "$version" ] || fail "debian/changelog's top entry is $changelog_version, the project is $version: add an entry"
release_version=$(grep -o '<release version="[^"]*"' "$metainfo" | head -1 | cut -d'"' -f2)
[ "$release_version" = "$version" ] || fail "the newest AppStream release is $release_version, the project is $version: add a <release>"
for page in "$installer"/man/*.1; do
    grep -q "^\.TH .*\"TenantDesk $version\"" "$page" || fail "${page##*/} does not say TenantDesk $version in its .TH line"
done
echo "version $version in CMake, debian/changelog, the metainfo and the man pages"
