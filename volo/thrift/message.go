package thrift

// Struct is the contract between the runtime and message types: a method's
// args and result, exceptions and user structs all implement it, by hand
// today and by generated code later. A Struct encodes and decodes itself and
// knows its encoded size, so nothing is found by reflection and a buffer is
// sized once before encoding.
type Struct interface {
	// ThriftSize returns the exact number of bytes AppendThrift appends.
	ThriftSize() int
	// AppendThrift appends the struct's fields and the closing STOP.
	AppendThrift(b []byte) []byte
	// DecodeThrift reads the struct from d, from its first field header to
	// its STOP, skipping fields it does not know. Fields absent from the
	// input are left at their zero value. It calls d.ReadStructBegin and
	// d.ReadStructEnd around its fields, so that recursive types are bounded
	// by the depth limit.
	DecodeThrift(d *Decoder) error
}

// MessageSize returns the encoded size of a strict message named name that
// carries body.
func MessageSize(name string, body Struct) int {
	return MessageBeginSize(name) + body.ThriftSize()
}

// AppendMessage appends a strict message header and body. Encoding into a
// buffer of capacity MessageSize(name, body) does not allocate.
func AppendMessage(b []byte, name string, typ MessageType, seq int32, body Struct) []byte {
	b = AppendMessageBegin(b, name, typ, seq)
	return body.AppendThrift(b)
}

// DecodeMessage reads a message header, strict or old style, then its body
// into body, and checks that nothing follows the body. When the message is
// an Exception, the body is read into an [ApplicationException] instead,
// which is returned as the error; body is left untouched.
func DecodeMessage(d *Decoder, body Struct) (name string, typ MessageType, seq int32, err error) {
	b, typ, seq, err := DecodeMessageView(d, body)
	return string(b), typ, seq, err
}

// DecodeMessageView is [DecodeMessage] without copying the message name,
// which aliases d's input (see [Decoder.ReadMessageBeginView]).
func DecodeMessageView(d *Decoder, body Struct) (name []byte, typ MessageType, seq int32, err error) {
	if name, typ, seq, err = d.ReadMessageBeginView(); err != nil {
		return name, typ, seq, err
	}
	if typ == MessageException {
		var ae ApplicationException
		if err = ae.DecodeThrift(d); err != nil {
			return name, typ, seq, d.Explain(err)
		}
		if d.Len() != 0 {
			return name, typ, seq, protoErr(InvalidData, d.Offset(), "bytes after the exception")
		}
		return name, typ, seq, &ae
	}
	if err = body.DecodeThrift(d); err != nil {
		return name, typ, seq, d.Explain(err)
	}
	if d.Len() != 0 {
		err = protoErr(InvalidData, d.Offset(), "bytes after the message body")
	}
	return name, typ, seq, err
}
