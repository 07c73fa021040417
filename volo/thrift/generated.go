package thrift

import (
	"errors"
	"strconv"
)

// This file holds what generated code calls beyond the encoding and
// decoding primitives.

// ErrRequired matches the error of a struct decoded without one of its
// required fields, a *ProtocolError that names the struct and the field.
var ErrRequired = errors.New("thrift: required field missing")

// ErrEnumName is matched by the error of a generated <Enum>FromString given
// a name that is not one of the enum's values.
var ErrEnumName = errors.New("thrift: not a value of the enum")

// Ptr returns a pointer to a copy of v: generated code sets optional
// fields to their defaults with it.
func Ptr[T any](v T) *T { return &v }

// RequiredError returns the error of struct structName decoded without
// its required field field (id id), at the decoder's offset: it matches
// ErrProtocol and ErrRequired.
func (d *Decoder) RequiredError(structName, field string, id int16) error {
	return &ProtocolError{Kind: MissingRequired, Offset: d.off,
		Msg: "required field " + field + " (" + strconv.Itoa(int(id)) + ") of " + structName + " is missing"}
}

// EnumNameError returns the error of a name that is not a value of enum
// enumName: it matches ErrEnumName.
func EnumNameError(enumName, name string) error {
	return &enumNameError{enum: enumName, name: name}
}

type enumNameError struct{ enum, name string }

func (e *enumNameError) Error() string {
	return "thrift: " + strconv.Quote(e.name) + " is not a value of enum " + e.enum
}

func (e *enumNameError) Is(target error) bool { return target == ErrEnumName }

// SkipElements reads past n elements of type et, the rest of a list or set
// whose element type is not the one the IDL declares: generated code then
// leaves the field unset, as it does for a field of the wrong type.
func (d *Decoder) SkipElements(et Type, n int) error {
	for range n {
		if err := d.Skip(et); err != nil {
			return err
		}
	}
	return nil
}

// SkipEntries reads past n map entries of key type kt and value type vt,
// the rest of a map whose types are not the ones the IDL declares.
func (d *Decoder) SkipEntries(kt, vt Type, n int) error {
	for range n {
		if err := d.Skip(kt); err != nil {
			return err
		}
		if err := d.Skip(vt); err != nil {
			return err
		}
	}
	return nil
}

// KeepField reads past a field of type t that the struct does not know,
// as Skip does, and appends the whole field, header and value, to dst:
// generated code built to keep unknown fields stores them with it and
// appends them when it encodes the struct again, so that a proxy passes
// on what it does not understand.
func (d *Decoder) KeepField(dst []byte, t Type, id int16) ([]byte, error) {
	start := d.off
	if err := d.Skip(t); err != nil {
		return dst, err
	}
	dst = AppendFieldBegin(dst, t, id)
	return append(dst, d.buf[start:d.off]...), nil
}
