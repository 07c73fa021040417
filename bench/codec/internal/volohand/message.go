package volohand

import "github.com/govolo/volo/volo/thrift"

// Message is the benchmark's
//
//	struct Message {
//	  1: string text
//	}
type Message struct {
	Text string
}

// ThriftSize returns the encoded size of m.
func (m *Message) ThriftSize() int {
	return thrift.FieldBeginSize + thrift.StringSize(m.Text) + thrift.FieldStopSize
}

// AppendThrift appends m's field and STOP.
func (m *Message) AppendThrift(b []byte) []byte {
	b = thrift.AppendFieldBegin(b, thrift.TypeString, 1)
	b = thrift.AppendString(b, m.Text)
	return thrift.AppendFieldStop(b)
}

// DecodeThrift reads m, skipping unknown fields and fields whose type does
// not match the IDL.
func (m *Message) DecodeThrift(d *thrift.Decoder) error {
	if err := d.ReadStructBegin(); err != nil {
		return err
	}
	for {
		t, id, err := d.ReadFieldBegin()
		if err != nil {
			return err
		}
		if t == thrift.TypeStop {
			d.ReadStructEnd()
			return nil
		}
		if want, ok := messageFieldTypes[id]; !ok || want != t {
			err = d.Skip(t)
		} else {
			m.Text, err = d.ReadString()
		}
		if err != nil {
			return err
		}
	}
}

var messageFieldTypes = map[int16]thrift.Type{1: thrift.TypeString}
