#!/usr/bin/env bash
# Runs every fuzz target in the repository for a while each (default 60s):
#   bash scripts/fuzz.sh [duration] [package-pattern-regexp]
# The CI runs only the seed corpora in testdata/fuzz, as part of go test;
# run this before a release or after touching a decoder. New crashers are
# written to the package's testdata/fuzz directory: commit them.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-60s}
only=${2:-.}

failed=()
outside=$(bash scripts/modules.sh outside)
for m in $(bash scripts/modules.sh all); do
	gowork=auto
	if grep -qx "$m" <<<"$outside"; then gowork=off; fi
	for pkg in $(cd "$m" && GOWORK=$gowork go list ./...); do
		[[ $pkg =~ $only ]] || continue
		dir=$(cd "$m" && GOWORK=$gowork go list -f '{{.Dir}}' "$pkg")
		for target in $(cd "$dir" && GOWORK=$gowork go test -list '^Fuzz' . | grep '^Fuzz' || true); do
			echo "=== $pkg $target ($duration)"
			if ! (cd "$dir" && GOWORK=$gowork go test -run '^$' -fuzz "^${target}\$" -fuzztime "$duration" .); then
				failed+=("$pkg $target")
			fi
		done
	done
done

if [ ${#failed[@]} -gt 0 ]; then
	echo
	echo "failed:"
	printf '  %s\n' "${failed[@]}"
	exit 1
fi
echo "all fuzz targets ran without a failure"
