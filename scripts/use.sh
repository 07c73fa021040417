#!/usr/bin/env bash
# Points a Go module of your own at this clone, until the modules are
# published: it adds a replace directive for every library module of the
# repository to the go.mod in the current directory (or in the directory
# given), so that `go get github.com/govolo/volo/volo@v0.1.0` and
# `go mod tidy` resolve them from the clone.
#   cd ~/my-service && bash /path/to/volo-go/scripts/use.sh
#   bash scripts/use.sh ~/my-service
# Run it again after moving the clone; `go mod edit -dropreplace` undoes a line.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
target=${1:-.}
cd "$target"
if [ ! -f go.mod ]; then
	echo "use.sh: no go.mod in $(pwd); run go mod init first" >&2
	exit 2
fi
for m in $(bash "$root/scripts/modules.sh" all); do
	case $m in
	bench | interop | examples | examples/* | cmd/*) continue ;; # not libraries
	esac
	path=$(cd "$root/$m" && GOWORK=off go mod edit -json | sed -n 's/^[[:space:]]*"Path": "\(github.com\/govolo\/volo[^"]*\)",\{0,1\}$/\1/p' | head -1)
	[ -n "$path" ] || continue
	go mod edit -replace="$path=$root/$m"
	echo "replace $path => $root/$m"
done
