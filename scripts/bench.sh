#!/usr/bin/env bash
# Runs benchmarks side by side with their peers, for the BENCHMARKS.md files:
#   bash scripts/bench.sh [count] [bench-regexp] [package...]
# Defaults: count 6, every benchmark, every package of the bench module.
# Pipe the output through benchstat to get medians:
#   go run golang.org/x/perf/cmd/benchstat@latest out.txt
set -euo pipefail
cd "$(dirname "$0")/../bench"
count=${1:-6}
re=${2:-.}
shift $(($# < 2 ? $# : 2))
pkgs=("$@")
[ ${#pkgs[@]} -gt 0 ] || pkgs=(./...)
GOWORK=off go test -run '^$' -bench "$re" -benchmem -count "$count" "${pkgs[@]}"
