package transport

import (
	"strings"

	"github.com/govolo/volo/volo/grpc"
	"golang.org/x/net/http2/hpack"
)

// metainfoHeader reports whether k is one of metainfo's rpc-* headers.
func metainfoHeader(k string) bool {
	return strings.HasPrefix(k, "rpc-") && (strings.HasPrefix(k, "rpc-persist-") ||
		strings.HasPrefix(k, "rpc-transit-") || strings.HasPrefix(k, "rpc-backward-"))
}

// addField files a header that is not one the protocol reads into the
// metadata or the metainfo headers; reserved headers are dropped. A -bin
// value that is not base64 is an error.
func addField(md *grpc.Metadata, mi *map[string][]string, k, v string) error {
	if grpc.Reserved(k) {
		return nil
	}
	if metainfoHeader(k) {
		if *mi == nil {
			*mi = make(map[string][]string, 4)
		}
		(*mi)[k] = append((*mi)[k], v)
		return nil
	}
	if strings.HasSuffix(k, "-bin") {
		dec, err := grpc.DecodeBinary(v)
		if err != nil {
			return err
		}
		v = dec
	}
	if *md == nil {
		*md = make(grpc.Metadata, 4)
	}
	(*md)[k] = append((*md)[k], v)
	return nil
}

// appendMetadata appends md as header fields, -bin values base64-encoded.
// Reserved keys are skipped.
func appendMetadata(fs []hpack.HeaderField, md grpc.Metadata) []hpack.HeaderField {
	for k, vs := range md {
		if grpc.Reserved(k) {
			continue
		}
		bin := strings.HasSuffix(k, "-bin")
		for _, v := range vs {
			if bin {
				v = grpc.EncodeBinary(v)
			}
			fs = append(fs, hpack.HeaderField{Name: k, Value: v})
		}
	}
	return fs
}

// appendRaw appends headers as they are (metainfo's rpc-* headers).
func appendRaw(fs []hpack.HeaderField, h map[string][]string) []hpack.HeaderField {
	for k, vs := range h {
		for _, v := range vs {
			fs = append(fs, hpack.HeaderField{Name: k, Value: v})
		}
	}
	return fs
}

// appendStatus appends grpc-status, grpc-message and
// grpc-status-details-bin.
func appendStatus(fs []hpack.HeaderField, st grpc.Status) []hpack.HeaderField {
	code := ""
	if int(st.Code) < len(statusCodes) {
		code = statusCodes[st.Code]
	} else {
		code = formatCode(uint32(st.Code))
	}
	fs = append(fs, hpack.HeaderField{Name: "grpc-status", Value: code})
	if st.Message != "" {
		fs = append(fs, hpack.HeaderField{Name: "grpc-message", Value: grpc.EncodeMessage(st.Message)})
	}
	if len(st.Details) > 0 {
		if v, err := grpc.EncodeDetails(st); err == nil {
			fs = append(fs, hpack.HeaderField{Name: "grpc-status-details-bin", Value: v})
		}
	}
	return fs
}

var statusCodes = [...]string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16"}

func formatCode(c uint32) string {
	var b [10]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + c%10)
		c /= 10
		if c == 0 {
			return string(b[i:])
		}
	}
}

// parseCode parses grpc-status.
func parseCode(s string) (uint32, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	var v uint32
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		v = v*10 + uint32(s[i]-'0')
	}
	return v, true
}

// grpcContentType reports whether ct is application/grpc, possibly with a
// +subtype or parameters.
func grpcContentType(ct string) bool {
	const p = "application/grpc"
	if !strings.HasPrefix(ct, p) {
		return false
	}
	return len(ct) == len(p) || ct[len(p)] == '+' || ct[len(p)] == ';'
}

// protoSubtype reports whether the gRPC content-type ct names the proto
// codec: no subtype or +proto, parameters aside.
func protoSubtype(ct string) bool {
	rest := ct[len("application/grpc"):]
	if i := strings.IndexByte(rest, ';'); i >= 0 {
		rest = rest[:i]
	}
	return rest == "" || strings.EqualFold(rest, "+proto")
}
