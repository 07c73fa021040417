package volohand

import "github.com/govolo/volo/volo/thrift"

// Xtruct is ThriftTest's
//
//	struct Xtruct {
//	  1:  string string_thing
//	  4:  i8     byte_thing
//	  9:  i32    i32_thing
//	  11: i64    i64_thing
//	}
type Xtruct struct {
	StringThing string
	ByteThing   int8
	I32Thing    int32
	I64Thing    int64
}

// ThriftSize returns the encoded size of x.
func (x *Xtruct) ThriftSize() int {
	return 4*thrift.FieldBeginSize + thrift.StringSize(x.StringThing) + thrift.I8Size + thrift.I32Size +
		thrift.I64Size + thrift.FieldStopSize
}

// AppendThrift appends x's fields and STOP.
func (x *Xtruct) AppendThrift(b []byte) []byte {
	b = thrift.AppendFieldBegin(b, thrift.TypeString, 1)
	b = thrift.AppendString(b, x.StringThing)
	b = thrift.AppendFieldBegin(b, thrift.TypeI8, 4)
	b = thrift.AppendI8(b, x.ByteThing)
	b = thrift.AppendFieldBegin(b, thrift.TypeI32, 9)
	b = thrift.AppendI32(b, x.I32Thing)
	b = thrift.AppendFieldBegin(b, thrift.TypeI64, 11)
	b = thrift.AppendI64(b, x.I64Thing)
	return thrift.AppendFieldStop(b)
}

// DecodeThrift reads x, skipping unknown fields and fields whose type does
// not match the IDL.
func (x *Xtruct) DecodeThrift(d *thrift.Decoder) error {
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
		if want, ok := xtructFieldTypes[id]; !ok || want != t {
			err = d.Skip(t)
		} else {
			err = x.decodeField(d, id)
		}
		if err != nil {
			return err
		}
	}
}

var xtructFieldTypes = map[int16]thrift.Type{
	1: thrift.TypeString, 4: thrift.TypeI8, 9: thrift.TypeI32, 11: thrift.TypeI64,
}

func (x *Xtruct) decodeField(d *thrift.Decoder, id int16) (err error) {
	switch id {
	case 1:
		x.StringThing, err = d.ReadString()
	case 4:
		x.ByteThing, err = d.ReadI8()
	case 9:
		x.I32Thing, err = d.ReadI32()
	case 11:
		x.I64Thing, err = d.ReadI64()
	}
	return err
}
