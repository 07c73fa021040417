package thriftidl

import "strings"

// TypeKind is the kind of a Type.
type TypeKind int

// The kinds of Type. I8Type stands for both byte and i8 (Type.Name tells
// which was written); StringType also stands for the deprecated slist.
const (
	BoolType TypeKind = iota + 1
	I8Type
	I16Type
	I32Type
	I64Type
	DoubleType
	StringType
	BinaryType
	UUIDType
	ListType
	SetType
	MapType
	NamedType // a reference to a typedef, enum, senum or struct
)

var kindNames = [...]string{
	BoolType: "bool", I8Type: "i8", I16Type: "i16", I32Type: "i32",
	I64Type: "i64", DoubleType: "double", StringType: "string",
	BinaryType: "binary", UUIDType: "uuid", ListType: "list", SetType: "set",
	MapType: "map", NamedType: "named",
}

// String returns the IDL keyword of the kind, or "named".
func (k TypeKind) String() string {
	if k > 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "invalid"
}

// IsBase reports whether k is one of the base types, bool to uuid.
func (k TypeKind) IsBase() bool { return k >= BoolType && k <= UUIDType }

// IsContainer reports whether k is list, set or map.
func (k TypeKind) IsContainer() bool { return k == ListType || k == SetType || k == MapType }

// Type is a type as written where it is used.
type Type struct {
	Pos  Pos
	Kind TypeKind
	// Name is the type as written: the keyword for base and container types
	// ("byte", "i8", "slist", "list"), the reference for named types
	// ("Foo", "shared.Foo").
	Name  string
	Elem  *Type // list and set
	Key   *Type // map
	Value *Type // map
	// CppType is the deprecated cpp_type "..." of a container, "" if none.
	CppType     string
	Annotations Annotations

	// Ref is the definition a named type refers to, set by Load: a
	// *Typedef, *Enum, *Senum or *Struct. RefFile is the file that defines
	// it.
	Ref     Definition
	RefFile *File
}

// Underlying follows typedefs and returns the type they end at: a base or
// container type, or a named type whose Ref is an *Enum, *Senum or *Struct.
// For a type that is not resolved, or after a Load that failed on a typedef
// cycle, it returns the last type it could reach.
func (t *Type) Underlying() *Type {
	seen := 0
	for t != nil && t.Kind == NamedType {
		td, ok := t.Ref.(*Typedef)
		if !ok || td.Type == nil {
			return t
		}
		if seen++; seen > maxTypedefChain {
			return t
		}
		t = td.Type
	}
	return t
}

// maxTypedefChain bounds Underlying on cyclic typedefs that Load reported.
const maxTypedefChain = 10000

// String returns the type in IDL syntax, without annotations:
// "map<string,list<shared.Foo>>".
func (t *Type) String() string {
	var b strings.Builder
	t.write(&b, 0)
	return b.String()
}

func (t *Type) write(b *strings.Builder, depth int) {
	if t == nil {
		b.WriteString("void")
		return
	}
	if depth > maxDepth {
		b.WriteString("...")
		return
	}
	switch t.Kind {
	case ListType, SetType:
		b.WriteString(t.Kind.String())
		b.WriteByte('<')
		t.Elem.write(b, depth+1)
		b.WriteByte('>')
	case MapType:
		b.WriteString("map<")
		t.Key.write(b, depth+1)
		b.WriteByte(',')
		t.Value.write(b, depth+1)
		b.WriteByte('>')
	default:
		if t.Name != "" {
			b.WriteString(t.Name)
		} else {
			b.WriteString(t.Kind.String())
		}
	}
}

// Struct returns the struct, union or exception the type ends at after
// typedefs, or nil.
func (t *Type) Struct() *Struct {
	s, _ := t.Underlying().refOrNil().(*Struct)
	return s
}

// Enum returns the enum the type ends at after typedefs, or nil.
func (t *Type) Enum() *Enum {
	e, _ := t.Underlying().refOrNil().(*Enum)
	return e
}

func (t *Type) refOrNil() Definition {
	if t == nil {
		return nil
	}
	return t.Ref
}
