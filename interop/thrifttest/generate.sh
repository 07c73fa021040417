#!/usr/bin/env bash
# Regenerates gen/thrifttest, volo's Go code for Apache Thrift's
# test/ThriftTest.thrift, with the volo command (pilota's generator) and
# gopkg's FastCodec methods (-fastcodec).
#
# ThriftTest.thrift is read from the module cache copy of the
# github.com/apache/thrift module the interop module requires (v0.25.0),
# never copied into the repository, and generated whole: nothing is
# filtered out. generated_test.go regenerates it in memory and fails when
# the committed files differ, so run this script after changing the
# generator.
#
# The volo command runs from the repository's workspace, so it uses the
# generator of this checkout.
#
# Usage: bash generate.sh   (or go generate in this directory)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
interop=$(cd "$here/.." && pwd)
repo=$(cd "$interop/.." && pwd)

src=$(cd "$interop" && GOWORK=off go list -m -f '{{.Dir}}' github.com/apache/thrift)/test/ThriftTest.thrift

rm -rf "${here:?}/gen/thrifttest"
cd "$repo"
GOWORK="$repo/go.work" go run ./cmd/volo gen \
	-idl "$src" -I "$(dirname "$src")" \
	-out "$here/gen" -import github.com/govolo/volo/interop/thrifttest/gen \
	-fastcodec
