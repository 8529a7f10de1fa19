#!/usr/bin/env bash
# Seeds the fuzz corpora from the repository's own files. Run from anywhere;
# writes fuzz/corpus/<target>/ (ignored by git). Safe to run again: files are
# named by their content's hash, so nothing is duplicated.
set -euo pipefail
fuzz="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$fuzz")"
shared="$root/../shared"

seed() { # seed TARGET FILE...
    local dir="$fuzz/corpus/$1"
    shift
    mkdir -p "$dir"
    local f
    for f in "$@"; do
        [ -f "$f" ] || continue
        cp "$f" "$dir/$(sha1sum "$f" | cut -c1-16)"
    done
}

shopt -s nullglob globstar

seed rules "$root"/rules/**/*.rules "$root"/tests/**/*.rules
seed record_toml "$root"/rules/**/*.toml "$root"/tests/**/*.toml "$shared"/examples/*.toml
seed record_jsonl "$root"/tests/**/*.jsonl "$shared"/examples/*.jsonl
seed record_csv "$root"/tests/**/*.csv "$shared"/examples/*.csv
seed calendar "$root"/rules/calendar/*.toml "$root"/tests/bad/calendar/*.toml
# `evaluate` takes structured input; libFuzzer builds its own corpus from
# nothing, so it gets an empty directory.
mkdir -p "$fuzz/corpus/evaluate"

for d in "$fuzz"/corpus/*/; do
    printf '%-14s %s files\n' "$(basename "$d")" "$(find "$d" -type f | wc -l)"
done
