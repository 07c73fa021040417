#!/usr/bin/env bash
# Regenerates gen/bench, volo's Go code for testdata/idl/bench/echo.proto
# (the service of the gRPC benchmarks), with the volo command of this
# checkout (pilota/pbgen). generated_test.go regenerates into a temporary
# directory and fails when the committed files differ.
#
# Usage: bash generate.sh [out]   (out defaults to gen/ here)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
out="${1:-$here/gen}"

rm -rf "${out:?}"
cd "$repo"
GOWORK="$repo/go.work" go run ./cmd/volo gen \
	-idl "$here/testdata/idl/bench/echo.proto" -I "$here/testdata/idl" \
	-out "$out" -import github.com/govolo/volo/bench/rpc/gen >/dev/null
