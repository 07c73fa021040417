// Package attack is volo's soak and attack suite: a volo Thrift server with
// its defaults, in a process of its own so that its memory can be read, set
// upon over loopback by peers that send huge lengths, stall, trickle, open
// thousands of connections, never read their replies or make a decoder
// panic, while a well-behaved client keeps calling; and malicious servers
// that send bad replies to volo's client. Every attack is bounded in time.
//
// Its tests run a short form by default (part of the CI's go test) that
// asserts what must hold whatever the machine: every call of the
// well-behaved client answered, the offending connections the only ones
// cut, typed errors. With VOLO_ATTACK=full they run the full form, which
// also asserts the figures of volo/RELIABILITY.md (latency, memory);
// scripts/attack.sh runs it with the rest of the suite.
package attack
