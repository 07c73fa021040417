#!/usr/bin/env bash
# Regenerates thrifttest/ beside this script: Apache Thrift's Go code for
# test/ThriftTest.thrift, the peer of volo's generated code in the interop
# tests (Apache's ThriftTestClient, and ThriftTestProcessor on a
# TSimpleServer).
#
# The compiler is Debian's thrift-compiler (installed with apt-get if it is
# missing). ThriftTest.thrift is read from the module cache copy of the
# github.com/apache/thrift module the interop module requires, and
# filtered on the way in, never copied into the repository:
#   - CrazyNesting.list_field is dropped, as Apache's own Go tests do
#     (test/go/Makefile.am, THRIFT-2063): Go cannot key a map by a set.
#   - CrazyNesting.uuid_field and the testUuid method are dropped: Debian's
#     compiler (0.17.0) predates the uuid type. The tests skip testUuid
#     against Apache's side for this reason alone.
# The committed code is the output of thrift 0.17.0; another version writes
# other code.
#
# Usage: bash generate.sh   (or go generate in this directory)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
interop=$(cd "$here/../.." && pwd)
prefix=github.com/govolo/volo/interop/thrifttest/apachegen/

if ! command -v thrift >/dev/null; then
	apt-get update
	apt-get install -y thrift-compiler
fi
version=$(thrift --version | awk '{print $3}')
if [[ "$version" != 0.17.0 ]]; then
	echo "generate.sh: thrift $version is not 0.17.0: the output will differ from the committed code" >&2
fi

src=$(cd "$interop" && GOWORK=off go list -m -f '{{.Dir}}' github.com/apache/thrift)/test/ThriftTest.thrift

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

grep -vE 'list.*map.*list.*map|^[[:space:]]*[0-9]+: uuid |^[[:space:]]*uuid[[:space:]]+testUuid' \
	"$src" >"$tmp/ThriftTest.thrift"

# skip_remote leaves out the *-remote command-line clients; thrift_import
# names the runtime module the interop module requires.
opts="package_prefix=$prefix,thrift_import=github.com/apache/thrift/lib/go/thrift,skip_remote"
mkdir "$tmp/out"
thrift --gen "go:$opts" -out "$tmp/out" "$tmp/ThriftTest.thrift"

# The compiler's output is not gofmt'd; format it so the tree stays clean.
gofmt -w "$tmp/out"

# The compiler writes capitalised error strings for required fields, which
# staticcheck reports even in generated code; nothing else in it is reported.
sed -i '1a\
\
//lint:file-ignore ST1005 the Thrift compiler writes capitalised error strings' "$tmp/out/thrifttest/ThriftTest.go"

rm -rf "${here:?}/thrifttest"
cp -r "$tmp/out/thrifttest" "$here/thrifttest"
