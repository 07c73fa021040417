package thriftidl

// File is one parsed IDL file. Its slices keep source order; Definitions
// holds every definition, and Typedefs, Consts, Enums, Senums, Structs and
// Services the same definitions by kind.
type File struct {
	Pos  Pos    // the start of the file
	Path string // as given to Parse, or as Load found it
	// Name is the prefix other files use for this file's definitions: the
	// base name of Path without its extension ("shared" for
	// "idl/shared.thrift").
	Name        string
	Doc         string // the file's doc comment, see the package doc
	Includes    []*Include
	CppIncludes []*CppInclude
	Namespaces  []*Namespace
	Definitions []Definition

	Typedefs []*Typedef
	Consts   []*Const
	Enums    []*Enum
	Senums   []*Senum
	Structs  []*Struct // structs, unions and exceptions
	Services []*Service

	// Indexes built by Parse; the first definition of a name wins.
	types  map[string]Definition // typedefs, enums, senums, structs, services
	consts map[string]*Const
}

// Namespace returns the namespace the file declares for scope (such as
// "go"), falling back to the "*" namespace, or "" if it declares neither.
// When a scope is declared twice the last declaration wins, as in Apache.
func (f *File) Namespace(scope string) string {
	var star string
	var found bool
	var name string
	for _, ns := range f.Namespaces {
		switch ns.Scope {
		case scope:
			name, found = ns.Name, true
		case "*":
			star = ns.Name
		}
	}
	if found {
		return name
	}
	return star
}

// Lookup returns the definition of this file named name (without an
// include prefix): a typedef, enum, senum, struct, service or const, or nil.
// Types and services share one name space and consts have their own, as in
// Apache; when a type and a const share a name Lookup returns the type.
func (f *File) Lookup(name string) Definition {
	if d, ok := f.types[name]; ok {
		return d
	}
	if c, ok := f.consts[name]; ok {
		return c
	}
	return nil
}

// Include is an include statement.
type Include struct {
	Pos  Pos
	Path string // as written
	Name string // the prefix for the included file's names
	File *File  // the included file; set by Load
}

// CppInclude is a cpp_include statement. It means nothing to a Go
// generator and is kept only so the AST is complete.
type CppInclude struct {
	Pos  Pos
	Path string
}

// Namespace is a namespace statement. Scope is "*" for the catch-all.
type Namespace struct {
	Pos         Pos
	Scope       string
	Name        string
	Annotations Annotations
}

// Definition is a top-level definition: *Typedef, *Const, *Enum, *Senum,
// *Struct or *Service.
type Definition interface {
	// Ident returns the definition's name.
	Ident() string
	// Position returns where the definition starts.
	Position() Pos
	isDefinition()
}

// Typedef is "typedef Type Name".
type Typedef struct {
	Pos         Pos
	Doc         string
	Type        *Type
	Name        string
	Annotations Annotations
}

// Const is "const Type Name = Value".
type Const struct {
	Pos   Pos
	Doc   string
	Type  *Type
	Name  string
	Value *ConstValue
	// Annotations after the value. Apache does not accept them there; they
	// are accepted here so that consts can be annotated like everything
	// else.
	Annotations Annotations
}

// Enum is an enum definition.
type Enum struct {
	Pos         Pos
	Doc         string
	Name        string
	Values      []*EnumValue
	Annotations Annotations
}

// EnumValue is one value of an enum.
type EnumValue struct {
	Pos  Pos
	Doc  string
	Name string
	// Value as assigned: the explicit value, or one more than the previous
	// value (0 for the first), as Apache assigns it.
	Value       int64
	Explicit    bool // Value was written in the source
	Annotations Annotations
	Enum        *Enum // the enum the value belongs to
}

// Senum is the deprecated string enum, "senum Name { "a", "b" }", which
// Apache no longer parses. It is kept for old IDL; a generator may treat it
// as a string typedef.
type Senum struct {
	Pos         Pos
	Doc         string
	Name        string
	Values      []string
	Annotations Annotations
}

// StructKind tells a struct from a union or an exception.
type StructKind int

// The kinds of Struct.
const (
	KindStruct StructKind = iota
	KindUnion
	KindException
)

// String returns the keyword of the kind.
func (k StructKind) String() string {
	switch k {
	case KindUnion:
		return "union"
	case KindException:
		return "exception"
	}
	return "struct"
}

// Struct is a struct, union or exception.
type Struct struct {
	Pos         Pos
	Doc         string
	Kind        StructKind
	Name        string
	XsdAll      bool // the deprecated xsd_all marker
	Fields      []*Field
	Annotations Annotations
}

// Requiredness is a field's requiredness as written.
type Requiredness int

// The three requiredness states. Apache treats default fields as "optional
// in, required out"; union members are always optional whatever is
// written; "optional" in an argument list is ignored by Apache.
const (
	DefaultRequiredness Requiredness = iota
	Required
	Optional
)

// String returns "required", "optional" or "default".
func (r Requiredness) String() string {
	switch r {
	case Required:
		return "required"
	case Optional:
		return "optional"
	}
	return "default"
}

// Field is a field of a struct, an argument of a function or an exception
// it throws.
type Field struct {
	Pos Pos
	Doc string
	// ID is the field id. Fields written without one, or with one that is
	// not positive, get -1, -2, ... in order, as Apache assigns them, and
	// ImplicitID is set.
	ID           int
	ImplicitID   bool
	Requiredness Requiredness
	Type         *Type
	Reference    bool // the '&' marker (a C++ pointer hint)
	Name         string
	Default      *ConstValue // nil if none
	XsdOptional  bool
	XsdNillable  bool
	XsdAttrs     []*Field // the deprecated xsd_attrs { ... } fields
	Annotations  Annotations
}

// Service is a service definition.
type Service struct {
	Pos         Pos
	Doc         string
	Name        string
	Extends     string   // as written, "" if none
	ExtendsPos  Pos      // where Extends is written
	ExtendsRef  *Service // the extended service; set by Load
	Functions   []*Function
	Annotations Annotations
}

// Function is a function of a service.
type Function struct {
	Pos         Pos
	Doc         string
	Oneway      bool  // oneway, or the deprecated async
	Result      *Type // nil for void
	Name        string
	Args        []*Field
	Throws      []*Field
	Annotations Annotations
}

// Annotation is one "key = "value"" annotation. An annotation written
// without a value has the value "1", as in Apache.
type Annotation struct {
	Pos   Pos
	Key   string
	Value string
}

// Annotations is a list of annotations in source order. Keys may repeat.
type Annotations []*Annotation

// Get returns the value of the last annotation with key, as Apache's
// generators read it, and whether there is one.
func (a Annotations) Get(key string) (string, bool) {
	for i := len(a) - 1; i >= 0; i-- {
		if a[i].Key == key {
			return a[i].Value, true
		}
	}
	return "", false
}

// Values returns the values of every annotation with key, in order.
func (a Annotations) Values(key string) []string {
	var vs []string
	for _, an := range a {
		if an.Key == key {
			vs = append(vs, an.Value)
		}
	}
	return vs
}

func (d *Typedef) isDefinition() {}
func (d *Const) isDefinition()   {}
func (d *Enum) isDefinition()    {}
func (d *Senum) isDefinition()   {}
func (d *Struct) isDefinition()  {}
func (d *Service) isDefinition() {}

// Ident returns the typedef's name.
func (d *Typedef) Ident() string { return d.Name }

// Ident returns the const's name.
func (d *Const) Ident() string { return d.Name }

// Ident returns the enum's name.
func (d *Enum) Ident() string { return d.Name }

// Ident returns the senum's name.
func (d *Senum) Ident() string { return d.Name }

// Ident returns the struct's name.
func (d *Struct) Ident() string { return d.Name }

// Ident returns the service's name.
func (d *Service) Ident() string { return d.Name }

// Position returns where the typedef starts.
func (d *Typedef) Position() Pos { return d.Pos }

// Position returns where the const starts.
func (d *Const) Position() Pos { return d.Pos }

// Position returns where the enum starts.
func (d *Enum) Position() Pos { return d.Pos }

// Position returns where the senum starts.
func (d *Senum) Position() Pos { return d.Pos }

// Position returns where the struct starts.
func (d *Struct) Position() Pos { return d.Pos }

// Position returns where the service starts.
func (d *Service) Position() Pos { return d.Pos }

// Field returns the field named name, or nil.
func (s *Struct) Field(name string) *Field {
	for _, f := range s.Fields {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// Value returns the value named name, or nil.
func (e *Enum) Value(name string) *EnumValue {
	for _, v := range e.Values {
		if v.Name == name {
			return v
		}
	}
	return nil
}
