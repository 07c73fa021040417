package grpc

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/govolo/volo/volo"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
)

// Status is what a server sends at the end of a call, in the trailers
// grpc-status, grpc-message and grpc-status-details-bin: a code, a message
// and details (google.rpc.Status's fields).
type Status struct {
	Code    volo.Code
	Message string
	Details []*anypb.Any
}

// detailed is an error carrying status details.
type detailed struct {
	err     error
	details []*anypb.Any
}

func (e *detailed) Error() string { return e.err.Error() }
func (e *detailed) Unwrap() error { return e.err }

// WithDetails returns err carrying details, sent by a server in
// grpc-status-details-bin with err's code and message. A nil err gives nil.
func WithDetails(err error, details ...*anypb.Any) error {
	if err == nil {
		return nil
	}
	return &detailed{err: err, details: append(DetailsOf(err), details...)}
}

// NewDetail packs m into an Any, for [WithDetails]. It fails only if m
// cannot be marshaled.
func NewDetail(m proto.Message) (*anypb.Any, error) { return anypb.New(m) }

// DetailsOf returns the status details err carries: those given to
// [WithDetails], or those a server sent, on a client's error. Nil if none.
func DetailsOf(err error) []*anypb.Any {
	var d *detailed
	if errors.As(err, &d) {
		return d.details
	}
	return nil
}

// StatusOf returns the status a server sends for err: its code
// (volo.CodeOf), its message (an *volo.Error's own message when err is
// one, else err's text), and its details (DetailsOf). Nil gives code OK.
func StatusOf(err error) Status {
	if err == nil {
		return Status{}
	}
	st := Status{Code: volo.CodeOf(err), Details: DetailsOf(err)}
	inner := err
	if d, ok := err.(*detailed); ok {
		inner = d.err
	}
	if ve, ok := inner.(*volo.Error); ok {
		st.Message = ve.Message()
	} else {
		st.Message = inner.Error()
	}
	return st
}

// Err returns the error a client reports for st: nil for OK, else a
// *volo.Error marked remote with st's code and message, carrying st's
// details (DetailsOf).
func (st Status) Err() error {
	if st.Code == volo.CodeOK {
		return nil
	}
	e := volo.NewRemoteError(st.Code, st.Message)
	if len(st.Details) == 0 {
		return e
	}
	return &detailed{err: e, details: st.Details}
}

// EncodeMessage percent-encodes a status message for grpc-message: bytes
// outside printable ASCII and '%' become %XX.
func EncodeMessage(msg string) string {
	n := 0
	for i := 0; i < len(msg); i++ {
		if c := msg[i]; c < 0x20 || c > 0x7e || c == '%' {
			n++
		}
	}
	if n == 0 {
		return msg
	}
	const hex = "0123456789ABCDEF"
	b := make([]byte, 0, len(msg)+2*n)
	for i := 0; i < len(msg); i++ {
		if c := msg[i]; c < 0x20 || c > 0x7e || c == '%' {
			b = append(b, '%', hex[c>>4], hex[c&15])
		} else {
			b = append(b, c)
		}
	}
	return string(b)
}

// DecodeMessage undoes [EncodeMessage]; a '%' not followed by two hex
// digits is kept as is, as the gRPC spec asks.
func DecodeMessage(s string) string {
	if strings.IndexByte(s, '%') < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			hi, ok1 := unhex(s[i+1])
			lo, ok2 := unhex(s[i+2])
			if ok1 && ok2 {
				b = append(b, hi<<4|lo)
				i += 2
				continue
			}
		}
		b = append(b, s[i])
	}
	return string(b)
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// EncodeDetails returns the value of grpc-status-details-bin for st: a
// google.rpc.Status message, base64 without padding.
func EncodeDetails(st Status) (string, error) {
	var b []byte
	if st.Code != 0 {
		b = protowire.AppendTag(b, 1, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(int32(st.Code)))
	}
	if st.Message != "" {
		b = protowire.AppendTag(b, 2, protowire.BytesType)
		b = protowire.AppendString(b, st.Message)
	}
	for _, d := range st.Details {
		m, err := proto.Marshal(d)
		if err != nil {
			return "", fmt.Errorf("grpc: cannot marshal a status detail: %w", err)
		}
		b = protowire.AppendTag(b, 3, protowire.BytesType)
		b = protowire.AppendBytes(b, m)
	}
	return base64.RawStdEncoding.EncodeToString(b), nil
}

// DecodeDetails reads the value of grpc-status-details-bin (base64 with or
// without padding) into a Status.
func DecodeDetails(v string) (Status, error) {
	raw, err := DecodeBinary(v)
	if err != nil {
		return Status{}, err
	}
	var st Status
	b := []byte(raw)
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return Status{}, fmt.Errorf("grpc: bad google.rpc.Status: %w", protowire.ParseError(n))
		}
		b = b[n:]
		switch {
		case num == 1 && typ == protowire.VarintType:
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return Status{}, fmt.Errorf("grpc: bad google.rpc.Status: %w", protowire.ParseError(n))
			}
			st.Code = volo.Code(uint32(v))
			b = b[n:]
		case num == 2 && typ == protowire.BytesType:
			v, n := protowire.ConsumeString(b)
			if n < 0 {
				return Status{}, fmt.Errorf("grpc: bad google.rpc.Status: %w", protowire.ParseError(n))
			}
			st.Message = v
			b = b[n:]
		case num == 3 && typ == protowire.BytesType:
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return Status{}, fmt.Errorf("grpc: bad google.rpc.Status: %w", protowire.ParseError(n))
			}
			a := new(anypb.Any)
			if err := proto.Unmarshal(v, a); err != nil {
				return Status{}, fmt.Errorf("grpc: bad status detail: %w", err)
			}
			st.Details = append(st.Details, a)
			b = b[n:]
		default:
			n := protowire.ConsumeFieldValue(num, typ, b)
			if n < 0 {
				return Status{}, fmt.Errorf("grpc: bad google.rpc.Status: %w", protowire.ParseError(n))
			}
			b = b[n:]
		}
	}
	return st, nil
}

// EncodeBinary encodes a -bin metadata value: base64 without padding.
func EncodeBinary(v string) string { return base64.RawStdEncoding.EncodeToString([]byte(v)) }

// DecodeBinary decodes a -bin metadata value, with or without padding.
func DecodeBinary(v string) (string, error) {
	if len(v)%4 == 0 {
		if b, err := base64.StdEncoding.DecodeString(v); err == nil {
			return string(b), nil
		}
	}
	b, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(v, "="))
	if err != nil {
		return "", fmt.Errorf("%w: bad base64 in a -bin value: %w", ErrInvalidMetadata, err)
	}
	return string(b), nil
}
