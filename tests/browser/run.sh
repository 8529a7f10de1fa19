#!/usr/bin/env bash
# Drives `shouli serve` in headless Chromium through complaints, checks the
# verdict each page shows, and saves screenshots under docs/.
#
#   bash tests/browser/run.sh
#
# Installs Chromium (and CJK fonts, for the screenshots) from the system's
# packages when missing. Each page is loaded with its answers in the
# address (the page's form read as a GET form); Chromium's --dump-dom gives
# the page to check and --screenshot its picture. Everything stops by itself:
# each Chromium run has a time limit, and the server is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v chromium >/dev/null 2>&1; then
  echo "== installing chromium"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi
if ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null || true
fi

cargo build --quiet
bin=target/debug/shouli
work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

"$bin" serve --port 0 --today 2026-03-05 --cases "$work" >"$work/server.out" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  grep -q 'http://' "$work/server.out" 2>/dev/null && break
  sleep 0.1
done
base=$(grep -o 'http://127.0.0.1:[0-9]*/' "$work/server.out")
echo "== server at $base"

chrome() {
  timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-dev-shm-usage --hide-scrollbars --user-data-dir="$work/profile-$RANDOM" "$@" 2>/dev/null
}

fails=0
passes=0
# page NAME URL-QUERY EXPECTED-OUTCOME EXPECTED-NEXT-KEY-or-"" [SCREENSHOT]
page() {
  local name=$1 query=$2 outcome=$3 next=$4 shot=${5:-}
  local dom
  dom=$(chrome --dump-dom "${base}?${query}" || true)
  local got_outcome got_next
  got_outcome=$(grep -o 'data-outcome="[a-z]*"' <<<"$dom" | head -1 | cut -d'"' -f2 || true)
  got_next=$(grep -o 'class="q current[a-z ]*" data-key="[a-z_.]*"' <<<"$dom" | head -1 | sed 's/.*data-key="//; s/"$//' || true)
  if [ "$got_outcome" = "$outcome" ] && [ "$got_next" = "$next" ]; then
    echo "ok   $name: $got_outcome${got_next:+, next $got_next}"
    passes=$((passes + 1))
  else
    echo "FAIL $name: expected $outcome/${next:-none}, got ${got_outcome:-?}/${got_next:-none}"
    fails=$((fails + 1))
  fi
  if [ -n "$shot" ]; then
    chrome --screenshot="$shot" --window-size=1280,1000 "${base}?${query}" >/dev/null || true
    [ -s "$shot" ] || { echo "FAIL $name: no screenshot"; fails=$((fails + 1)); }
  fi
}

kind='complainant.kind=consumer'
ground="$kind&purchase.channel=mall&received=2024-03-05&purchase.date=2023-11-20&purchase.warranty_months=12&purchase.sold_as_defective=%E5%90%A6&claim.damage_cause=quality&respondent.identified=%E6%98%AF&claim.substantiated=%E6%98%AF&history.mediation=none&history.administrative=none&history.court=none&history.arbitration=none&claim.lawful=%E6%98%AF"
form="complainant.name=%E7%8E%8B%E4%B8%BD&complainant.phone=13800000000&respondent.name=%E9%91%AB%E8%BE%BE%E5%AE%B6%E7%94%B5&respondent.stall=B2-018&purchase.product=%E7%94%B5%E9%A5%AD%E7%85%B2&purchase.brand=%E7%BE%8E%E7%9A%84&purchase.model=MB-FB40&purchase.quantity=1&purchase.price=399.00&claim.negotiation=%E5%95%86%E6%88%B7%E6%8B%92%E7%BB%9D%E6%9B%B4%E6%8D%A2&claim.demand=%E6%9B%B4%E6%8D%A2%E5%90%8C%E5%9E%8B%E5%8F%B7%E6%96%B0%E5%93%81"

mkdir -p docs
page "a blank page asks a ground first" "" incomplete complainant.kind docs/desk-start.png
page "one answer, the next ground" "$kind" incomplete purchase.channel
page "a private sale is decided at once" "$kind&purchase.channel=private" rejected "" docs/desk-rejected.png
page "grounds answered, the basis next" "$ground" incomplete claim.basis
page "the evidence last" "$ground&claim.basis=harm&$form" incomplete claim.evidence docs/desk-evidence.png
page "evidence not known: incomplete, nothing more to ask" "$ground&claim.basis=harm&$form&claim.evidence=%3F" incomplete ""
page "accepted" "$ground&claim.basis=harm&$form&claim.evidence=invoice&claim.evidence=photo" accepted "" docs/desk-accepted.png
page "in English" "lang=en&$kind&purchase.channel=private" rejected "" docs/desk-en.png
page "a bad date is asked again" "$kind&purchase.channel=mall&received=2026-02-30" incomplete received docs/desk-bad-date.png

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
