#!/usr/bin/env bash
# Regenerates gen/, volo's stubs of grpc-go's grpc/testing/test.proto
# services (TestService among them) against grpc-go's own message types
# (google.golang.org/grpc/interop/grpc_testing), with pilota/pbgen of this
# checkout (internal/gentestservice). generated_test.go regenerates into a
# temporary directory and fails when the committed files differ, so run
# this script after changing the generator.
#
# Usage: bash generate.sh [out]   (out defaults to gen/ here)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"
GOWORK=off go run ./internal/gentestservice -out "${1:-$here/gen}"
