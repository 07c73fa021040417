package gen

import (
	"github.com/govolo/volo/pilota/thriftidl"
)

// kind is what the codec does with a type once typedefs are followed.
type kind int

const (
	kBool kind = iota
	kI8
	kI16
	kI32
	kI64
	kDouble
	kString
	kBinary
	kUUID
	kEnum   // an i32 on the wire, a named Go integer type
	kSenum  // a string
	kStruct // a struct, union or exception, held by pointer
	kList
	kSet
	kMap
)

// kindOf returns the kind of t after typedefs.
func kindOf(t *thriftidl.Type) kind {
	u := t.Underlying()
	switch u.Kind {
	case thriftidl.BoolType:
		return kBool
	case thriftidl.I8Type:
		return kI8
	case thriftidl.I16Type:
		return kI16
	case thriftidl.I32Type:
		return kI32
	case thriftidl.I64Type:
		return kI64
	case thriftidl.DoubleType:
		return kDouble
	case thriftidl.StringType:
		return kString
	case thriftidl.BinaryType:
		return kBinary
	case thriftidl.UUIDType:
		return kUUID
	case thriftidl.ListType:
		return kList
	case thriftidl.SetType:
		return kSet
	case thriftidl.MapType:
		return kMap
	}
	switch u.Ref.(type) {
	case *thriftidl.Enum:
		return kEnum
	case *thriftidl.Senum:
		return kSenum
	}
	return kStruct
}

// wireType is the name of the runtime's Type constant for t.
func wireType(t *thriftidl.Type) string {
	switch kindOf(t) {
	case kBool:
		return "TypeBool"
	case kI8:
		return "TypeI8"
	case kI16:
		return "TypeI16"
	case kI32, kEnum:
		return "TypeI32"
	case kI64:
		return "TypeI64"
	case kDouble:
		return "TypeDouble"
	case kString, kSenum:
		return "TypeString"
	case kBinary:
		return "TypeBinary"
	case kUUID:
		return "TypeUUID"
	case kList:
		return "TypeList"
	case kSet:
		return "TypeSet"
	case kMap:
		return "TypeMap"
	}
	return "TypeStruct"
}

// fixedSize is the runtime's size constant of a type whose values all
// take the same bytes, or "".
func fixedSize(t *thriftidl.Type) string {
	switch kindOf(t) {
	case kBool:
		return "BoolSize"
	case kI8:
		return "I8Size"
	case kI16:
		return "I16Size"
	case kI32, kEnum:
		return "I32Size"
	case kI64:
		return "I64Size"
	case kDouble:
		return "DoubleSize"
	case kUUID:
		return "UUIDSize"
	}
	return ""
}

// nilable reports whether the Go type of t has nil: structs (held by
// pointer), containers and binary.
func nilable(t *thriftidl.Type) bool {
	switch kindOf(t) {
	case kStruct, kList, kSet, kMap, kBinary:
		return true
	}
	return false
}

// goType returns the Go type of a value of t: what a required field, a
// parameter or a container element holds. Structs are pointers.
func (w *writer) goType(t *thriftidl.Type) string {
	if t.Kind == thriftidl.NamedType {
		switch ref := t.Ref.(type) {
		case *thriftidl.Typedef:
			name := w.qual(t.RefFile, exportedName(ref.Name))
			if kindOf(t) == kStruct {
				return "*" + name
			}
			return name
		case *thriftidl.Struct:
			return "*" + w.qual(t.RefFile, exportedName(ref.Name))
		case *thriftidl.Enum:
			return w.qual(t.RefFile, exportedName(ref.Name))
		case *thriftidl.Senum:
			return w.qual(t.RefFile, exportedName(ref.Name))
		}
	}
	switch t.Kind {
	case thriftidl.BoolType:
		return "bool"
	case thriftidl.I8Type:
		return "int8"
	case thriftidl.I16Type:
		return "int16"
	case thriftidl.I32Type:
		return "int32"
	case thriftidl.I64Type:
		return "int64"
	case thriftidl.DoubleType:
		return "float64"
	case thriftidl.StringType:
		return "string"
	case thriftidl.BinaryType:
		return "[]byte"
	case thriftidl.UUIDType:
		return w.rt("UUID")
	case thriftidl.ListType, thriftidl.SetType:
		return "[]" + w.goType(t.Elem)
	case thriftidl.MapType:
		return "map[" + w.keyType(t.Key) + "]" + w.goType(t.Value)
	}
	return "any"
}

// keyType returns the Go type of a map key of t. Keys whose Go type is not
// comparable are held by pointer, and binary keys as strings.
func (w *writer) keyType(t *thriftidl.Type) string {
	switch kindOf(t) {
	case kBinary:
		return "string"
	case kList, kSet, kMap:
		return "*" + w.goType(t)
	}
	return w.goType(t)
}

// pointerKey reports whether a map key of t is held by pointer though its
// value type is not a pointer.
func pointerKey(t *thriftidl.Type) bool {
	switch kindOf(t) {
	case kList, kSet, kMap:
		return true
	}
	return false
}

// structOf returns the struct t ends at, its Go name and the name of its
// constructor, both qualified for w.
func (w *writer) structOf(t *thriftidl.Type) (s *thriftidl.Struct, name, newFunc string) {
	u := t
	for u.Kind == thriftidl.NamedType {
		if td, ok := u.Ref.(*thriftidl.Typedef); ok {
			u = td.Type
			continue
		}
		break
	}
	s, _ = u.Ref.(*thriftidl.Struct)
	if s == nil {
		return nil, "", ""
	}
	n := exportedName(s.Name)
	return s, w.qual(u.RefFile, n), w.qual(u.RefFile, "New"+n)
}

// enumName returns the Go name of the enum t ends at, qualified for w.
func (w *writer) enumName(t *thriftidl.Type) string {
	u := t
	for u.Kind == thriftidl.NamedType {
		if td, ok := u.Ref.(*thriftidl.Typedef); ok {
			u = td.Type
			continue
		}
		break
	}
	if e, ok := u.Ref.(*thriftidl.Enum); ok {
		return w.qual(u.RefFile, exportedName(e.Name))
	}
	return "int32"
}

// fieldOptional reports whether a field is held so that "unset" can be
// told apart: optional fields, union members, and result fields.
func fieldOptional(f *thriftidl.Field, union bool) bool {
	return union || f.Requiredness == thriftidl.Optional
}

// fieldType returns the Go type of a struct field: a pointer for optional
// scalars, strings and enums, the value type otherwise.
func (w *writer) fieldType(f *thriftidl.Field, optional bool) string {
	if optional && !nilable(f.Type) {
		return "*" + w.goType(f.Type)
	}
	return w.goType(f.Type)
}
