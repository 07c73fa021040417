#!/usr/bin/env bash
# Where a CPU profile's time goes, as shares: every sample is charged to its
# innermost function, and the function to a class by its name.
#   bash scripts/harness-shares.sh PROFILE...
# Profiles come from scripts/harness.sh with PROFILE_DIR set.
set -euo pipefail
for p in "$@"; do
	go tool pprof -top -nodecount=100000 "$p" 2>/dev/null | awk -v name="$(basename "$p")" '
	/^ *[0-9.]+(ns|us|µs|ms|s|min|h) / {
		t = $1; unit = t; sub(/[0-9.]+/, "", unit); sub(/[a-zµ]+$/, "", t)
		m = (unit == "ns") ? 1e-9 : (unit == "us" || unit == "µs") ? 1e-6 : (unit == "ms") ? 1e-3 : (unit == "min") ? 60 : (unit == "h") ? 3600 : 1
		fn = $6; for (i = 7; i <= NF; i++) fn = fn " " $i
		c = "other"
		if (fn ~ /^(syscall\.|internal\/runtime\/syscall|runtime\/internal\/syscall|internal\/poll\.|runtime\.(netpoll|epoll))/) c = "system calls"
		else if (fn ~ /^runtime\.(schedule|findRunnable|park_m|futex|mcall|gopark|goready|runqgrab|runqsteal|stealWork|usleep|osyield|notesleep|notewakeup|ready|wakep|startm|stopm|nanotime|casgstatus|execute|gogo|goexit|newproc|gfget|gfput|resetspinning|checkTimers|runtimer|lock2|unlock2|procyield|globrunq|runqput|injectglist|exitsyscall|entersyscall|reentersyscall|save|systemstack|mPark|semacquire|semrelease|selectgo|chansend|chanrecv|send|recv|goschedIfBusy))/) c = "scheduling"
		else if (fn ~ /^runtime\.(mallocgc|gcBgMark|gcDrain|scanobject|markroot|greyobject|findObject|sweep|bgsweep|memclr|nextFreeFast|heapBits|mSpan|mcache|mcentral|mheap|gcStart|gcMark|wbBuf|\(\*spanSet\)|\(\*mspan\)|\(\*gcControllerState\)|tryDeferToSpanScan|\(\*gcWork\)|bulkBarrier|typePointers|scanblock|scanstack|deductAssist|gcAssist|newobject|makeslice|growslice|makemap|mapassign|rawstring|concatstring|slicebytetostring|(.*)Alloc)/) c = "allocation and GC"
		else if (fn ~ /^runtime\.(newstack|copystack|findfunc|step|pcvalue|funcMaxSPDelta|funcspdelta|adjustframe|adjustpointers|\(\*unwinder\)|readvarint|funcInfo|morestack|stackalloc|\(\*stkframe\)|adjustpointer|stackfree|stackcache|stackpool)/) c = "goroutine stack growth"
		else if (fn ~ /^runtime\.memmove/) c = "copying (memmove)"
		else if (fn ~ /govolo\/volo\/volo\/thrift\/(frame|internal)|govolo\/volo\/volo\/thrift\.|govolo\/volo\/metainfo|thrifttest\/echo|apache\/thrift|google\.golang\.org\/protobuf|harness\.(RawCodec|ApacheProcessor|readString)/) c = "codec"
		else if (fn ~ /govolo\/volo\/volo\/thrift\/(server|client)|govolo\/volo\/motore|govolo\/volo\/volo\.|google\.golang\.org\/grpc|golang\.org\/x\/net\/http2/) c = "framework"
		else if (fn ~ /^(net\.|bufio\.|io\.)/) c = "net and io (Go side)"
		else if (fn ~ /^(context\.|sync\.|time\.)/) c = "context, sync, time"
		else if (fn ~ /^runtime\./) c = "runtime, other"
		s[c] += t * m; tot += t * m
	}
	END {
		printf "%s (%.2fs sampled):", name, tot
		n = split("system calls|scheduling|goroutine stack growth|allocation and GC|copying (memmove)|codec|framework|net and io (Go side)|context, sync, time|runtime, other|other", order, "|")
		for (i = 1; i <= n; i++) if (tot > 0) printf " %s %.0f%%;", order[i], 100 * s[order[i]] / tot
		printf "\n"
	}'
done
