#!/usr/bin/env bash
# Lists the repository's Go modules as directories relative to the root.
#   modules.sh work     the modules listed in go.work
#   modules.sh outside  the modules kept out of go.work (bench, interop,
#                       backends with heavy dependencies)
#   modules.sh all      both
set -euo pipefail
cd "$(dirname "$0")/.."

work() {
	go work edit -json | sed -n 's/^[[:space:]]*"DiskPath": "\(.*\)",\{0,1\}$/\1/p' | sed 's|^\./||' | sort
}

all() {
	find . -name go.mod -not -path '*/testdata/*' -not -path './.git/*' -printf '%h\n' | sed 's|^\./||; s|^\.$|.|' | sort
}

case "${1:-all}" in
work) work ;;
outside) comm -23 <(all) <(work) ;;
all) all ;;
*)
	echo "usage: $0 work|outside|all" >&2
	exit 2
	;;
esac
