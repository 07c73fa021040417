#!/usr/bin/env bash
# Tags a release of the library modules, leaves first, as CONTRIBUTING.md's
# "Releases" describes.
#   tag.sh vX.Y.Z           dry run: check, and print what would be done
#   tag.sh -apply vX.Y.Z    bump the sibling requires in every go.mod to
#                           vX.Y.Z, then print the git tag commands to run
#                           once the bump is committed
# Checks, in both modes: every module has a CHANGELOG.md (with -apply, one
# with a "## [X.Y.Z]" section), and every sibling a module requires comes
# earlier in the order, so each require resolves when its dependent is tagged.
set -euo pipefail
cd "$(dirname "$0")/.."

# The release order: leaves first; ext/discovery before its etcd backend.
MODULES=(
	metainfo
	motore
	ext/tracing
	ext/ratelimit
	ext/circuitbreaker
	ext/retry
	ext/discovery
	ext/discovery/etcd
	volo
	volo/otelvolo
	volo/grpc
	adapters/http
	adapters/grpc
	adapters/connect
	adapters/gokit
	pilota
	pilota/pbgen
	cmd/volo
)
PREFIX=github.com/govolo/volo

apply=0
if [ "${1:-}" = "-apply" ]; then
	apply=1
	shift
fi
version=${1:-}
if ! [[ $version =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
	echo "usage: $0 [-apply] vX.Y.Z" >&2
	exit 2
fi

# siblings prints the repository modules m requires, as directories.
siblings() {
	(cd "$1" && GOWORK=off go mod edit -print) | awk -v p="$PREFIX/" '
		/^require \(/ { in_req = 1; next }
		in_req && /^\)/ { in_req = 0; next }
		/^require / { print $2; next }
		in_req { print $1 }' | sed -n "s|^$PREFIX/||p"
}

failed=0
declare -A done_before=()
for m in "${MODULES[@]}"; do
	if [ ! -f "$m/go.mod" ]; then
		echo "$m: no go.mod" >&2
		failed=1
		continue
	fi
	if [ ! -f "$m/CHANGELOG.md" ]; then
		echo "$m: no CHANGELOG.md" >&2
		failed=1
	elif [ $apply = 1 ] && ! grep -q "^## \[${version#v}\]" "$m/CHANGELOG.md"; then
		echo "$m: CHANGELOG.md has no \"## [${version#v}]\" section" >&2
		failed=1
	fi
	for s in $(siblings "$m"); do
		if [ -z "${done_before[$s]:-}" ]; then
			echo "$m: requires $s, which is not tagged before it" >&2
			failed=1
		fi
	done
	done_before[$m]=1
done
if [ $failed = 1 ]; then
	exit 1
fi

for m in "${MODULES[@]}"; do
	for s in $(siblings "$m"); do
		if [ $apply = 1 ]; then
			(cd "$m" && GOWORK=off go mod edit -require="$PREFIX/$s@$version")
		else
			echo "would set $m/go.mod: require $PREFIX/$s $version"
		fi
	done
done

echo "# after committing the go.mod changes, in this order:"
for m in "${MODULES[@]}"; do
	echo "git tag $m/$version"
done
