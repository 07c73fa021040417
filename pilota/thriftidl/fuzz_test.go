package thriftidl_test

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/govolo/volo/pilota/thriftidl"
)

// FuzzParse checks that Parse and Load never panic, that Parse is
// deterministic, and that what they accept is well formed.
func FuzzParse(f *testing.F) {
	f.Add([]byte("struct S { 1: i32 a }"))
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := thriftidl.Parse("f.thrift", src)
		_, err2 := thriftidl.Parse("f.thrift", src)
		if fmt.Sprint(err) != fmt.Sprint(err2) {
			t.Fatalf("Parse is not deterministic: %v then %v", err, err2)
		}
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.thrift") {
				t.Fatalf("error without a position: %v", err)
			}
			return
		}
		checkFile(t, file, len(src))

		p, err := thriftidl.Load("f.thrift", thriftidl.WithFS(fstest.MapFS{
			"f.thrift": {Data: src},
			"g.thrift": {Data: []byte("struct G {}\nenum E { A }\nconst i32 C = 1\nservice S {}")},
		}))
		if err != nil {
			return
		}
		checkResolved(t, p.Main)
	})
}

func checkPos(t *testing.T, what string, p thriftidl.Pos, size int) {
	t.Helper()
	if p.Filename != "f.thrift" || p.Line < 1 || p.Col < 1 || p.Offset < 0 || p.Offset > size {
		t.Fatalf("%s has a bad position %+v", what, p)
	}
}

func checkFile(t *testing.T, f *thriftidl.File, size int) {
	n := len(f.Typedefs) + len(f.Consts) + len(f.Enums) + len(f.Senums) + len(f.Structs) + len(f.Services)
	if n != len(f.Definitions) {
		t.Fatalf("%d definitions, %d by kind", len(f.Definitions), n)
	}
	for _, inc := range f.Includes {
		checkPos(t, "include", inc.Pos, size)
	}
	for _, ns := range f.Namespaces {
		checkPos(t, "namespace", ns.Pos, size)
	}
	for _, d := range f.Definitions {
		checkPos(t, d.Ident(), d.Position(), size)
		if d.Ident() == "" || strings.Contains(d.Ident(), ".") {
			t.Fatalf("bad definition name %q", d.Ident())
		}
		switch d := d.(type) {
		case *thriftidl.Typedef:
			checkType(t, d.Type, size)
		case *thriftidl.Const:
			checkType(t, d.Type, size)
			checkValue(t, d.Value, size)
		case *thriftidl.Enum:
			last := int64(-1)
			for _, v := range d.Values {
				checkPos(t, "enum value", v.Pos, size)
				if !v.Explicit && v.Value != last+1 {
					t.Fatalf("implicit enum value %d after %d", v.Value, last)
				}
				last = v.Value
			}
		case *thriftidl.Struct:
			checkFields(t, d.Fields, size)
		case *thriftidl.Service:
			for _, fn := range d.Functions {
				checkPos(t, "function", fn.Pos, size)
				if fn.Result != nil {
					checkType(t, fn.Result, size)
				}
				checkFields(t, fn.Args, size)
				checkFields(t, fn.Throws, size)
			}
		}
	}
}

func checkFields(t *testing.T, fs []*thriftidl.Field, size int) {
	next := -1
	for _, fd := range fs {
		checkPos(t, "field", fd.Pos, size)
		if fd.ImplicitID {
			if fd.ID != next {
				t.Fatalf("implicit id %d, want %d", fd.ID, next)
			}
			next--
		} else if fd.ID < 1 || fd.ID > 32767 {
			t.Fatalf("explicit id %d", fd.ID)
		}
		checkType(t, fd.Type, size)
		if fd.Default != nil {
			checkValue(t, fd.Default, size)
		}
		checkFields(t, fd.XsdAttrs, size)
	}
}

func checkType(t *testing.T, ty *thriftidl.Type, size int) {
	checkPos(t, "type", ty.Pos, size)
	switch ty.Kind {
	case thriftidl.ListType, thriftidl.SetType:
		checkType(t, ty.Elem, size)
	case thriftidl.MapType:
		checkType(t, ty.Key, size)
		checkType(t, ty.Value, size)
	case thriftidl.NamedType:
		if ty.Name == "" {
			t.Fatal("named type without a name")
		}
	default:
		if !ty.Kind.IsBase() {
			t.Fatalf("bad type kind %v", ty.Kind)
		}
	}
	_ = ty.String()
}

func checkValue(t *testing.T, v *thriftidl.ConstValue, size int) {
	checkPos(t, "value", v.Pos, size)
	for _, e := range v.List {
		checkValue(t, e, size)
	}
	for _, e := range v.Map {
		checkValue(t, e.Key, size)
		checkValue(t, e.Value, size)
	}
}

// checkResolved checks that after a successful Load every named type has
// a definition and every identifier value a target.
func checkResolved(t *testing.T, f *thriftidl.File) {
	var typ func(*thriftidl.Type)
	typ = func(ty *thriftidl.Type) {
		if ty == nil {
			return
		}
		if ty.Kind == thriftidl.NamedType && (ty.Ref == nil || ty.RefFile == nil) {
			t.Fatalf("%s is not resolved", ty.Name)
		}
		if u := ty.Underlying(); u == nil || u.Kind == thriftidl.NamedType && u.Ref == nil {
			t.Fatalf("%s has no underlying type", ty.Name)
		}
		typ(ty.Elem)
		typ(ty.Key)
		typ(ty.Value)
	}
	var value func(*thriftidl.ConstValue)
	value = func(v *thriftidl.ConstValue) {
		if v.Kind == thriftidl.IdentValue && v.RefConst == nil && v.RefEnumValue == nil {
			t.Fatalf("%s is not resolved", v.Ident)
		}
		_ = v.Resolved()
		for _, e := range v.List {
			value(e)
		}
		for _, e := range v.Map {
			value(e.Key)
			value(e.Value)
		}
	}
	var fields func([]*thriftidl.Field)
	fields = func(fs []*thriftidl.Field) {
		for _, fd := range fs {
			typ(fd.Type)
			if fd.Default != nil {
				value(fd.Default)
			}
			fields(fd.XsdAttrs)
		}
	}
	for _, d := range f.Definitions {
		switch d := d.(type) {
		case *thriftidl.Typedef:
			typ(d.Type)
		case *thriftidl.Const:
			typ(d.Type)
			value(d.Value)
		case *thriftidl.Struct:
			fields(d.Fields)
		case *thriftidl.Service:
			if d.Extends != "" && d.ExtendsRef == nil {
				t.Fatalf("%s extends an unresolved service", d.Name)
			}
			for _, fn := range d.Functions {
				typ(fn.Result)
				fields(fn.Args)
				fields(fn.Throws)
			}
		}
	}
}
