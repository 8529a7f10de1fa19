#!/usr/bin/env bash
# Renders the HTML reports of `shouli batch --report` and `shouli diff
# --report` in headless Chromium, checks that the charts reached the page,
# and saves screenshots: docs/report.png (diff) and docs/batch-report.png;
# then a notice to the complainant (`shouli notice --format html`, the
# market-regulation rules' 补正 notice) as docs/notice.png.
# The archive is tests/fixtures/diff/archive.jsonl (250 generated records);
# the edit is tests/fixtures/diff/warranty-24.rules.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v chromium >/dev/null; then
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
fi

cargo build --quiet
bin=target/debug/shouli
archive=tests/fixtures/diff/archive.jsonl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# diff exits 1 when some decision changed, as this edit does.
set +e
"$bin" diff guideline tests/fixtures/diff/warranty-24.rules "$archive" -q -o /dev/null \
    --report "$tmp/diff.html"
code=$?
set -e
if [ "$code" -ne 1 ]; then
    echo "shouli diff exited $code, expected 1 (some decision changed)" >&2
    exit 1
fi
"$bin" batch "$archive" -q -o /dev/null --report "$tmp/batch.html"

chrome() {
    local profile
    profile=$(mktemp -d -p "$tmp")
    chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$profile" "$@" 2>/dev/null
}

for page in diff batch; do
    # The page as the browser built it: every chart is there.
    dom=$(chrome --dump-dom "file://$tmp/$page.html")
    charts=$(grep -o '<svg' <<<"$dom" | wc -l)
    if [ "$charts" -lt 3 ]; then
        echo "$page.html: $charts charts in the rendered page, expected at least 3" >&2
        exit 1
    fi
    shot=docs/report.png
    [ "$page" = batch ] && shot=docs/batch-report.png
    rm -f "$shot"
    chrome --screenshot="$PWD/$shot" --window-size=1200,1600 "file://$tmp/$page.html"
    size=$(stat -c %s "$shot")
    if [ "$size" -lt 20000 ]; then
        echo "$shot: $size bytes, too small to hold the report" >&2
        exit 1
    fi
    echo "$page.html: $charts charts; $shot ($size bytes)"
done

# A notice to the complainant, as printed: the text must reach the page.
set +e
"$bin" notice --rules samr docs/examples/samr-incomplete.toml --format html -o "$tmp/notice.html"
code=$?
set -e
if [ ! -s "$tmp/notice.html" ]; then
    echo "shouli notice wrote no page (exit $code)" >&2
    exit 1
fi
dom=$(chrome --dump-dom "file://$tmp/notice.html")
if ! grep -q "补正" <<<"$dom"; then
    echo "notice.html: the rendered page does not hold the notice's title" >&2
    exit 1
fi
rm -f docs/notice.png
chrome --screenshot="$PWD/docs/notice.png" --window-size=900,1200 "file://$tmp/notice.html"
size=$(stat -c %s docs/notice.png)
if [ "$size" -lt 20000 ]; then
    echo "docs/notice.png: $size bytes, too small to hold the notice" >&2
    exit 1
fi
echo "notice.html: rendered; docs/notice.png ($size bytes)"
