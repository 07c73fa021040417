#!/usr/bin/env bash
# The soak and attack suite of volo/RELIABILITY.md, loopback only, bounded
# in time (a few minutes in all), asserting the figures there:
#   bash scripts/attack.sh [fuzz-duration]
# 1. interop/attack in its full form (VOLO_ATTACK=full): huge lengths, a
#    panicking decoder, bad replies to the client, idle connections after
#    large requests, 2,000 idle/stalled/trickling connections and peers
#    that never read, while a well-behaved client keeps calling.
# 2. Shutdown under load with a multiplexed client, 20 runs for each of
#    64 KiB and 4 MiB replies.
# 3. Fuzzing of the client's reply path (default 60s).
# CI runs the short forms of 1 and 2 as part of go test.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${1:-60s}

# The attack opens about 2,000 connections in each of two processes; Go
# raises the soft limit on open files to the hard one, which must allow it.
need=4096
hard=$(ulimit -Hn)
if [ "$hard" != unlimited ] && [ "$hard" -lt "$need" ]; then
	echo "attack.sh: needs $need open files, the hard limit (ulimit -Hn) is $hard" >&2
	exit 1
fi

echo "=== attacks (interop/attack, full form)"
(cd interop && GOWORK=off VOLO_ATTACK=full go test -count=1 -v -timeout 10m ./attack/) |
	grep -E '^(=== RUN|--- |    attack_test|PASS|FAIL|ok)'

echo "=== shutdown under load: 20 runs each of 64 KiB and 4 MiB replies"
(cd volo && VOLO_DRAIN_RUNS=20 go test -count=1 -v -timeout 20m -run '^TestShutdownUnderLoadLosesNoReply$' ./thrift/server/) |
	grep -E '^(--- |    drain_test|PASS|FAIL|ok)'

echo "=== fuzzing the client's reply path ($fuzztime)"
(cd volo && go test -run '^$' -fuzz '^FuzzReply$' -fuzztime "$fuzztime" ./thrift/client/)
