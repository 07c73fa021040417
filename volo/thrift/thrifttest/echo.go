package thrifttest

import "github.com/govolo/volo/volo/thrift"

// EchoMethod is the name of Echo's only method.
const EchoMethod = "echo"

// EchoArgs is the args struct of `string echo(1: string msg)`.
type EchoArgs struct {
	Msg string // field 1
}

// ThriftSize returns the encoded size of a.
func (a *EchoArgs) ThriftSize() int {
	return thrift.FieldBeginSize + thrift.StringSize(a.Msg) + thrift.FieldStopSize
}

// AppendThrift appends a's fields and STOP.
func (a *EchoArgs) AppendThrift(b []byte) []byte {
	b = thrift.AppendFieldBegin(b, thrift.TypeString, 1)
	b = thrift.AppendString(b, a.Msg)
	return thrift.AppendFieldStop(b)
}

// DecodeThrift reads a, skipping unknown fields.
func (a *EchoArgs) DecodeThrift(d *thrift.Decoder) error {
	if err := d.ReadStructBegin(); err != nil {
		return err
	}
	for {
		t, id, err := d.ReadFieldBegin()
		if err != nil {
			return err
		}
		switch {
		case t == thrift.TypeStop:
			d.ReadStructEnd()
			return nil
		case id == 1 && t == thrift.TypeString:
			if a.Msg, err = d.ReadString(); err != nil {
				return err
			}
		default:
			if err := d.Skip(t); err != nil {
				return err
			}
		}
	}
}

// EchoResult is the result struct of echo: the success value in field 0,
// absent when the method failed.
type EchoResult struct {
	Success *string // field 0
}

// ThriftSize returns the encoded size of r.
func (r *EchoResult) ThriftSize() int {
	n := thrift.FieldStopSize
	if r.Success != nil {
		n += thrift.FieldBeginSize + thrift.StringSize(*r.Success)
	}
	return n
}

// AppendThrift appends r's fields and STOP.
func (r *EchoResult) AppendThrift(b []byte) []byte {
	if r.Success != nil {
		b = thrift.AppendFieldBegin(b, thrift.TypeString, 0)
		b = thrift.AppendString(b, *r.Success)
	}
	return thrift.AppendFieldStop(b)
}

// DecodeThrift reads r, skipping unknown fields.
func (r *EchoResult) DecodeThrift(d *thrift.Decoder) error {
	if err := d.ReadStructBegin(); err != nil {
		return err
	}
	for {
		t, id, err := d.ReadFieldBegin()
		if err != nil {
			return err
		}
		switch {
		case t == thrift.TypeStop:
			d.ReadStructEnd()
			return nil
		case id == 0 && t == thrift.TypeString:
			s, err := d.ReadString()
			if err != nil {
				return err
			}
			r.Success = &s
		default:
			if err := d.Skip(t); err != nil {
				return err
			}
		}
	}
}
