#!/usr/bin/env bash
# Regenerates gen/, volo's Go code for the connectrpc conformance suite's
# .proto files (testdata/idl/connectrpc/conformance/v1, copied from
# connectrpc.com/conformance v1.0.7 with their license header; the
# module's LICENSE is testdata/idl/LICENSE), with the volo command:
# protobuf's own generator for the messages and pilota/pbgen's stubs for
# ConformanceService.
#
# The volo command runs from the repository's workspace, so it uses the
# generator of this checkout. generated_test.go regenerates into a
# temporary directory and fails when the committed files differ, so run
# this script after changing the generator.
#
# Usage: bash generate.sh [out]   (or go generate in this directory);
# out defaults to gen/ here.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
idl="$here/testdata/idl"
out="${1:-$here/gen}"

rm -rf "${out:?}"
cd "$repo"
for f in service client_compat server_compat; do
	GOWORK="$repo/go.work" go run ./cmd/volo gen \
		-idl "$idl/connectrpc/conformance/v1/$f.proto" -I "$idl" \
		-out "$out" -import github.com/govolo/volo/interop/conformance/gen
done
