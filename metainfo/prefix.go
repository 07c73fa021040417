package metainfo

import "strings"

// Prefixes of metainfo keys in the string maps of TTHeader, as Kitex and
// Volo write them.
const (
	// PrefixPersistent marks a persistent value.
	PrefixPersistent = "RPC_PERSIST_"
	// PrefixTransient marks a transient value.
	PrefixTransient = "RPC_TRANSIT_"
	// PrefixTransientUpstream marks a transient value that the sender itself
	// received. Decoders read it like PrefixTransient; encoders never write
	// it.
	PrefixTransientUpstream = "RPC_TRANSIT_UPSTREAM_"
	// PrefixBackward marks a backward value (Volo's style; Kitex writes
	// backward values without a prefix, see [BackwardRaw]).
	PrefixBackward = "RPC_BACKWARD_"
)

// Prefixes of metainfo names in HTTP and gRPC headers. Names are lower
// case and a key's '_' is written '-'; received keys are read back upper
// case with '_', as bytedance/gopkg and Volo read them.
const (
	// HTTPPrefixPersistent marks a persistent value.
	HTTPPrefixPersistent = "rpc-persist-"
	// HTTPPrefixTransient marks a transient value.
	HTTPPrefixTransient = "rpc-transit-"
	// HTTPPrefixBackward marks a backward value.
	HTTPPrefixBackward = "rpc-backward-"
)

// upstreamKeyPrefix is what a transient key must not start with in a
// string map: "RPC_TRANSIT_" + it reads as PrefixTransientUpstream.
const upstreamKeyPrefix = "UPSTREAM_"

// splitForward returns the kind and key of a forward map entry, with
// upstream set for PrefixTransientUpstream, or kind 0 for other entries.
func splitForward(k string) (kind Kind, key string, upstream bool) {
	const n = len("RPC_")
	if len(k) < len(PrefixPersistent) || k[:n] != "RPC_" {
		return 0, "", false
	}
	switch k[n] {
	case 'P':
		if k[:len(PrefixPersistent)] == PrefixPersistent {
			return Persistent, k[len(PrefixPersistent):], false
		}
	case 'T':
		if strings.HasPrefix(k, PrefixTransientUpstream) {
			return Transient, k[len(PrefixTransientUpstream):], true
		}
		if k[:len(PrefixTransient)] == PrefixTransient {
			return Transient, k[len(PrefixTransient):], false
		}
	}
	return 0, "", false
}

// splitBackward returns the key of a backward map entry: prefixed, or in
// raw style any key without a forward prefix.
func splitBackward(k string, raw bool) (string, bool) {
	if strings.HasPrefix(k, PrefixBackward) {
		return k[len(PrefixBackward):], true
	}
	if raw && !hasForwardPrefix(k) {
		return k, true
	}
	return "", false
}

func hasForwardPrefix(k string) bool {
	return strings.HasPrefix(k, PrefixPersistent) || strings.HasPrefix(k, PrefixTransient)
}

// splitHeader returns the kind and raw key of a forward header name, or
// kind 0 for other names. Names match case-insensitively; the lower-case
// form of HTTP/2 and the canonical form of net/http are tried first.
func splitHeader(name string) (Kind, string) {
	const n = len(HTTPPrefixPersistent) // all forward prefixes have this length
	if len(name) < n || name[0]|0x20 != 'r' {
		return 0, ""
	}
	switch p := name[:n]; p {
	case HTTPPrefixPersistent, "Rpc-Persist-":
		return Persistent, name[n:]
	case HTTPPrefixTransient, "Rpc-Transit-":
		return Transient, name[n:]
	default:
		switch {
		case strings.EqualFold(p, HTTPPrefixPersistent):
			return Persistent, name[n:]
		case strings.EqualFold(p, HTTPPrefixTransient):
			return Transient, name[n:]
		}
	}
	return 0, ""
}

// splitBackwardHeader returns the raw key of a backward header name.
func splitBackwardHeader(name string) (string, bool) {
	const n = len(HTTPPrefixBackward)
	if len(name) < n || !strings.EqualFold(name[:n], HTTPPrefixBackward) {
		return "", false
	}
	return name[n:], true
}
