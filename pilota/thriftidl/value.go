package thriftidl

import (
	"strconv"
)

// ConstKind is the kind of a ConstValue.
type ConstKind int

// The kinds of ConstValue.
const (
	IntValue    ConstKind = iota + 1 // an integer literal, decimal or hex
	DoubleValue                      // a literal with a fraction or an exponent
	StringValue                      // a string literal
	BoolValue                        // true or false
	ListValue                        // [ ... ], also used for sets
	MapValue                         // { k: v ... }, also used for structs
	IdentValue                       // a reference to a const or an enum value
)

// String returns a short name of the kind, as error messages use it.
func (k ConstKind) String() string {
	switch k {
	case IntValue:
		return "integer"
	case DoubleValue:
		return "double"
	case StringValue:
		return "string"
	case BoolValue:
		return "bool"
	case ListValue:
		return "list"
	case MapValue:
		return "map"
	case IdentValue:
		return "identifier"
	}
	return "invalid"
}

// ConstValue is a value of a const or a field default, as written.
type ConstValue struct {
	Pos  Pos
	Kind ConstKind
	// Raw is the literal as written, for IntValue, DoubleValue and
	// BoolValue ("0x1F", "1e10", "true").
	Raw    string
	Int    int64   // IntValue; BoolValue as 0 or 1, as Apache stores it
	Double float64 // DoubleValue
	Text   string  // StringValue, escapes decoded
	Bool   bool    // BoolValue
	List   []*ConstValue
	Map    []*MapEntry // in source order
	Ident  string      // IdentValue, as written ("A", "Enum.A", "inc.Enum.A")

	// Set by Load for IdentValue: the const or the enum value it names, and
	// the file that defines it. For an IntValue given to an enum-typed
	// const or field, RefEnumValue is the value it equals.
	RefConst     *Const
	RefEnumValue *EnumValue
	RefFile      *File
}

// MapEntry is one "key: value" entry of a map value.
type MapEntry struct {
	Key   *ConstValue
	Value *ConstValue
}

// Resolved follows references to consts and returns the value they end
// at; for any other value it returns v itself. A reference to an enum value
// is returned as is: its RefEnumValue holds the number.
func (v *ConstValue) Resolved() *ConstValue {
	for i := 0; v != nil && v.Kind == IdentValue && v.RefConst != nil && i < maxConstChain; i++ {
		v = v.RefConst.Value
	}
	return v
}

// maxConstChain bounds Resolved on const cycles that Load reported.
const maxConstChain = 10000

// describe names a value in error messages.
func (v *ConstValue) describe() string {
	switch v.Kind {
	case IntValue, DoubleValue, BoolValue:
		return v.Kind.String() + " " + v.Raw
	case StringValue:
		s := v.Text
		if len(s) > 40 {
			s = s[:40] + "..."
		}
		return "string " + strconv.Quote(s)
	case IdentValue:
		return v.Ident
	}
	return v.Kind.String()
}
