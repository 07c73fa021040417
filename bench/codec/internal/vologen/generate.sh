#!/usr/bin/env bash
# Regenerates volo's Go code for Apache's ThriftTest.thrift and the
# benchmark's message.thrift into thrifttest/ and message/ beside this
# script, with the volo command of this repository. ThriftTest.thrift is
# read from the module cache copy of the github.com/apache/thrift module
# the bench module requires, never copied into the repository.
#
# Usage: bash generate.sh   (or go generate in this directory)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bench=$(cd "$here/../../.." && pwd)
repo=$(cd "$bench/.." && pwd)
import=github.com/govolo/volo/bench/codec/internal/vologen

src=$(cd "$bench" && GOWORK=off go list -m -f '{{.Dir}}' github.com/apache/thrift)/test/ThriftTest.thrift

rm -rf "${here:?}/thrifttest" "${here:?}/message"
cd "$repo"
go run ./cmd/volo gen -idl "$src" -out "$here" -import "$import"
go run ./cmd/volo gen -idl "$bench/codec/testdata/message.thrift" -out "$here" -import "$import"
