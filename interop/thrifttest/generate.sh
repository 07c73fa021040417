#!/usr/bin/env bash
# Regenerates gen/thrifttest, volo's Go code for Apache Thrift's
# test/ThriftTest.thrift, with pilota's generator and gopkg's FastCodec
# methods (-fastcodec).
#
# ThriftTest.thrift is read from the module cache copy of the
# github.com/apache/thrift module the interop module requires (v0.25.0),
# never copied into the repository, and generated whole: nothing is
# filtered out. generated_test.go regenerates it in memory and fails when
# the committed files differ, so run this script after changing the
# generator.
#
# The generator is driven by internal/pilotagen, whose flags are those of
# `volo gen`.
#
# Usage: bash generate.sh   (or go generate in this directory)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
interop=$(cd "$here/.." && pwd)

cd "$interop"
src=$(GOWORK=off go list -m -f '{{.Dir}}' github.com/apache/thrift)/test/ThriftTest.thrift

rm -rf "${here:?}/gen/thrifttest"
GOWORK=off go run ./thrifttest/internal/pilotagen \
	-idl "$src" -I "$(dirname "$src")" \
	-out "$here/gen" -import github.com/govolo/volo/interop/thrifttest/gen \
	-fastcodec
