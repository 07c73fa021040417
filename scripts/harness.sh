#!/usr/bin/env bash
# The two-process benchmark: bench/harness's server runs one stack at a time
# (pinned to CPU 0 when the machine has two or more, the load client to the
# others), and the same load client calls it. Every pass runs every row in
# turn, so a change in the machine's load hits all of them alike; the table
# shows the medians over the passes and each row's QPS as a share of the
# floor's (a bare length-prefixed echo loop) in the same framing.
#   bash scripts/harness.sh
# Settings (environment):
#   DURATION=5s   how long each row calls
#   PASSES=3      passes over the rows
#   CONCS="100 1000"   concurrent callers
#   SIZES="1024 16384 1048576"   payload bytes
#   IDLE=0        when > 0: also open this many idle connections to volo's
#                 and grpc-go's servers and print the memory per connection
#   ROWS=         when set: only the rows whose name matches this
#                 extended regular expression (the floors always run)
#   PROFILE_DIR=  when set: CPU, allocation, block and mutex profiles of
#                 both sides of every row of the first pass go there
set -euo pipefail
# A relative PROFILE_DIR is relative to where the script was started.
[ -z "${PROFILE_DIR:-}" ] || PROFILE_DIR=$(realpath -m "$PROFILE_DIR")
cd "$(dirname "$0")/../bench"
DURATION=${DURATION:-5s}
PASSES=${PASSES:-3}
CONCS=${CONCS:-100 1000}
SIZES=${SIZES:-1024 16384 1048576}
IDLE=${IDLE:-0}
PROFILE_DIR=${PROFILE_DIR:-}
ROWS=${ROWS:-}

bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
GOWORK=off go build -o "$bin/" ./harness/cmd/server ./harness/cmd/load

srvpin=() clipin=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
	srvpin=(taskset -c 0)
	clipin=(taskset -c "1-$(($(nproc) - 1))")
fi
secs() { # a Go duration in seconds, at least 1, for pprof's ?seconds=
	local s
	s=$(awk -v d="$1" 'BEGIN { if (d ~ /ms$/) { sub(/ms$/, "", d); d /= 1000 } else sub(/s$/, "", d); printf "%d", d }')
	[ "$s" -ge 1 ] && echo "$s" || echo 1
}

# start STACK: starts the server, sets addr, debug and srv.
start() {
	local out flags=()
	out=$(mktemp "$bin/server.XXXXXX") # a fresh file: the old one may still say the last server's address
	[ -n "$PROFILE_DIR" ] && flags=(-profile-contention)
	"${srvpin[@]}" "$bin/server" -stack "$1" "${flags[@]}" >"$out" &
	srv=$!
	for _ in $(seq 100); do
		grep -q '^debug' "$out" 2>/dev/null && break
		sleep 0.05
	done
	addr=$(awk '/^listen/ {print $2}' "$out")
	debug=$(awk '/^debug/ {print $2}' "$out")
	[ -n "$addr" ] || { echo "server $1 did not start" >&2; exit 1; }
}
stop() { kill "$srv" && wait "$srv" || true; }

# The rows: name, server stack, load mode.
rows=(
	"floor framed|floor|raw-framed"
	"volo server framed|volo|raw-framed"
	"apache TSimpleServer framed|apache|raw-framed"
	"floor ttheader|floor|raw-ttheader"
	"volo server ttheader+metainfo|volo|raw-ttheader"
	"volo framed pooled|volo|volo-framed"
	"volo ttheader+metainfo pooled|volo|volo-ttheader"
	"volo ttheader+metainfo mux(1 conn)|volo|volo-ttheader-mux"
	"grpc-go (own client)|grpc|grpc"
)

results=$bin/results
: >"$results"
for c in $CONCS; do
	for size in $SIZES; do
		for pass in $(seq "$PASSES"); do
			for row in "${rows[@]}"; do
				IFS='|' read -r name stack mode <<<"$row"
				if [ -n "$ROWS" ] && [ "$stack" != floor ] && ! grep -Eq -- "$ROWS" <<<"$name"; then
					continue
				fi
				start "$stack"
				prof=()
				if [ -n "$PROFILE_DIR" ] && [ "$pass" = 1 ]; then
					mkdir -p "$PROFILE_DIR"
					tag="c${c}-s${size}-${mode}-${stack}"
					prof=(-cpuprofile "$PROFILE_DIR/$tag.client.cpu" -memprofile "$PROFILE_DIR/$tag.client.allocs")
					curl -s -o "$PROFILE_DIR/$tag.server.cpu" "http://$debug/debug/pprof/profile?seconds=$(secs "$DURATION")" &
					cpid=$!
				fi
				"${clipin[@]}" "$bin/load" -mode "$mode" -addr "$addr" -c "$c" -size "$size" -d "$DURATION" -label "$name" "${prof[@]}" >>"$results" ||
					echo "$name	$c	$size	0	0	0	0	failed" >>"$results"
				if [ ${#prof[@]} -gt 0 ]; then
					wait "$cpid" || true
					for p in allocs block mutex; do
						curl -s -o "$PROFILE_DIR/$tag.server.$p" "http://$debug/debug/pprof/$p"
					done
				fi
				stop
			done
		done
	done
done

# One table: medians over the passes, QPS as a share of the floor's.
echo "| c | payload | row | QPS | p50 µs | p99 µs | p999 µs | errors | QPS / floor | p99 / floor |"
echo "|---|---|---|---|---|---|---|---|---|---|"
awk -F'\t' -v passes="$PASSES" '
function median(list,   n, a, i, j, t) {
	n = split(list, a, " ")
	for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
	return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
}
{
	k = $2 SUBSEP $3 SUBSEP $1
	if (!(k in qps)) order[++nk] = k
	qps[k] = qps[k] " " $4; p50[k] = p50[k] " " $5; p99[k] = p99[k] " " $6; p999[k] = p999[k] " " $7; err[k] += $8
}
END {
	for (i = 1; i <= nk; i++) {
		k = order[i]; split(k, f, SUBSEP)
		q = median(qps[k]); p = median(p99[k])
		fl = f[1] SUBSEP f[2] SUBSEP (f[3] ~ /ttheader/ ? "floor ttheader" : "floor framed")
		share = "—"; pshare = "—"
		if (fl in qps && median(qps[fl]) > 0) { share = sprintf("%.2f", q / median(qps[fl])); pshare = sprintf("%.2f", p / median(p99[fl])) }
		if (f[3] ~ /^grpc/ || f[3] ~ /pooled|mux/) { share = "(" share ")"; pshare = "(" pshare ")" }
		printf "| %s | %s | %s | %.0f | %.0f | %.0f | %.0f | %s | %s | %s |\n", f[1], f[2], f[3], q, median(p50[k]), p, median(p999[k]), err[k], share, pshare
	}
}' "$results"
echo
echo "Rows in parentheses use their own client, so their share of the floor includes the client's cost."
# A row with errors is a broken harness or stack, not a figure.
if awk -F'\t' '$8 != 0 { bad = 1 } END { exit !bad }' "$results"; then
	echo "FAILED: some rows had errors (the errors column)" >&2
	exit 1
fi

if [ "$IDLE" -gt 0 ]; then
	echo
	echo "| server | idle connections | heap KiB/conn | stack KiB/conn | heap+stack KiB/conn | RSS KiB/conn |"
	echo "|---|---|---|---|---|---|"
	for s in volo grpc; do
		start "$s"
		m=raw-framed
		[ "$s" = grpc ] && m=grpc
		"$bin/load" -mode "$m" -addr "$addr" -debug "$debug" -idle "$IDLE" -size 16 -label "$s" |
			awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6 }'
		stop
	done
fi
