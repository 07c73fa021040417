#!/usr/bin/env bash
# Runs every test in the repository under the race detector: the modules of
# go.work together, then each module kept out of go.work on its own with
# GOWORK=off, as its users build it. Extra arguments go to go test.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "--- go test -race work"
go test -race "$@" work

for m in $(bash scripts/modules.sh outside); do
	echo "--- go test -race ./... in $m (GOWORK=off)"
	(cd "$m" && GOWORK=off go test -race "$@" ./...)
done
