package thrift

import "strconv"

// ExceptionType is the type code of an [ApplicationException].
type ExceptionType int32

// The type codes every Thrift implementation shares.
const (
	ExceptionUnknown               ExceptionType = 0
	ExceptionUnknownMethod         ExceptionType = 1
	ExceptionInvalidMessageType    ExceptionType = 2
	ExceptionWrongMethodName       ExceptionType = 3
	ExceptionBadSequenceID         ExceptionType = 4
	ExceptionMissingResult         ExceptionType = 5
	ExceptionInternalError         ExceptionType = 6
	ExceptionProtocolError         ExceptionType = 7
	ExceptionInvalidTransform      ExceptionType = 8
	ExceptionInvalidProtocol       ExceptionType = 9
	ExceptionUnsupportedClientType ExceptionType = 10
)

var exceptionNames = [...]string{
	ExceptionUnknown:               "unknown",
	ExceptionUnknownMethod:         "unknown method",
	ExceptionInvalidMessageType:    "invalid message type",
	ExceptionWrongMethodName:       "wrong method name",
	ExceptionBadSequenceID:         "bad sequence id",
	ExceptionMissingResult:         "missing result",
	ExceptionInternalError:         "internal error",
	ExceptionProtocolError:         "protocol error",
	ExceptionInvalidTransform:      "invalid transform",
	ExceptionInvalidProtocol:       "invalid protocol",
	ExceptionUnsupportedClientType: "unsupported client type",
}

// String returns a lower-case name for the type code.
func (t ExceptionType) String() string {
	if t >= 0 && int(t) < len(exceptionNames) {
		return exceptionNames[t]
	}
	return "exception_type(" + strconv.Itoa(int(t)) + ")"
}

// ApplicationException is the body of an Exception message: the error a
// server sends when it cannot produce a result (unknown method, bad input,
// a handler that panicked). It is
// `struct TApplicationException { 1: string message, 2: i32 type }`.
type ApplicationException struct {
	Message string
	Type    ExceptionType
}

// NewApplicationException returns an exception of type t with message msg.
func NewApplicationException(t ExceptionType, msg string) *ApplicationException {
	return &ApplicationException{Message: msg, Type: t}
}

// Error returns "thrift: application exception (<type>): <message>".
func (e *ApplicationException) Error() string {
	s := "thrift: application exception (" + e.Type.String() + ")"
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// ThriftSize returns the encoded size.
func (e *ApplicationException) ThriftSize() int {
	return FieldBeginSize + StringSize(e.Message) + FieldBeginSize + I32Size + FieldStopSize
}

// AppendThrift appends both fields, as every peer writes them.
func (e *ApplicationException) AppendThrift(b []byte) []byte {
	b = AppendFieldBegin(b, TypeString, 1)
	b = AppendString(b, e.Message)
	b = AppendFieldBegin(b, TypeI32, 2)
	b = AppendI32(b, int32(e.Type))
	return AppendFieldStop(b)
}

// DecodeThrift reads the exception, skipping fields it does not know.
func (e *ApplicationException) DecodeThrift(d *Decoder) error {
	if err := d.ReadStructBegin(); err != nil {
		return err
	}
	for {
		t, id, err := d.ReadFieldBegin()
		if err != nil {
			return err
		}
		switch {
		case t == TypeStop:
			d.ReadStructEnd()
			return nil
		case id == 1 && t == TypeString:
			if e.Message, err = d.ReadString(); err != nil {
				return err
			}
		case id == 2 && t == TypeI32:
			v, err := d.ReadI32()
			if err != nil {
				return err
			}
			e.Type = ExceptionType(v)
		default:
			if err := d.Skip(t); err != nil {
				return err
			}
		}
	}
}
