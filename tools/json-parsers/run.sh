#!/bin/sh
# Times and counts the instructions of every method on FILE (JSON Lines):
#   tools/json-parsers/run.sh /tmp/speed-20k.jsonl
# For each method: one process, one warm-up pass and five timed passes
# (median, min, max ns a line); then callgrind's inclusive instructions of
# the method's pass divided by the number of lines.
set -e
cd "$(dirname "$0")"
FILE="${1:?usage: run.sh FILE.jsonl}"
LINES=$(wc -l < "$FILE")
cargo build --release -q
BIN=target/release/json-parsers
METHODS="utf8 shouli-plain shouli-full serde-owned serde-borrowed sonic-owned sonic-borrowed sonic-iter sonic-getmany simd-owned simd-borrowed simd-value"
for m in $METHODS; do "$BIN" "$m" time "$FILE"; done
mkdir -p target/cg
for m in $METHODS; do
  valgrind --tool=callgrind --callgrind-out-file="target/cg/$m.out" "$BIN" "$m" once "$FILE" > /dev/null 2>&1
  pass=$(callgrind_annotate --inclusive=yes --threshold=100 "target/cg/$m.out" 2>/dev/null \
    | grep -m1 '::pass_' | awk '{gsub(",", "", $1); print $1}')
  echo "$m: $((pass / LINES)) instructions a line"
done
