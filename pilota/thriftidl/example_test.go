package thriftidl_test

import (
	"errors"
	"fmt"
	"testing/fstest"

	"github.com/govolo/volo/pilota/thriftidl"
)

func ExampleParse() {
	src := `namespace go example

/** A user of the service. */
struct User {
  1: required i64 id
  2: optional string name = "anonymous"
  i32 legacy // no id: Apache assigns -1
}
`
	f, err := thriftidl.Parse("user.thrift", []byte(src))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("namespace:", f.Namespace("go"))
	for _, s := range f.Structs {
		fmt.Printf("%s %s: %s\n", s.Kind, s.Name, s.Doc)
		for _, fd := range s.Fields {
			fmt.Printf("  %d %s %s %s (implicit id: %v)\n", fd.ID, fd.Requiredness, fd.Type, fd.Name, fd.ImplicitID)
		}
	}

	_, err = thriftidl.Parse("bad.thrift", []byte("struct User {\n  1: i64\n}"))
	fmt.Println(err)
	fmt.Println(errors.Is(err, thriftidl.ErrSyntax))
	// Output:
	// namespace: example
	// struct User: A user of the service.
	//   1 required i64 id (implicit id: false)
	//   2 optional string name (implicit id: false)
	//   -1 default i32 legacy (implicit id: true)
	// bad.thrift:3:1: expected field name, found '}'
	// true
}

func ExampleLoad() {
	fsys := fstest.MapFS{
		"shared.thrift": {Data: []byte(`
enum Status { OK, FAILED }
struct SharedStruct { 1: i32 key }
service SharedService { SharedStruct getStruct(1: i32 key) }
`)},
		"tutorial.thrift": {Data: []byte(`include "shared.thrift"
const shared.Status DEFAULT_STATUS = shared.Status.FAILED
service Calculator extends shared.SharedService {
  shared.Status ping()
}
`)},
	}
	p, err := thriftidl.Load("tutorial.thrift", thriftidl.WithFS(fsys))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range p.Files {
		fmt.Println("file:", f.Path)
	}
	calc := p.Main.Services[0]
	fmt.Println(calc.Name, "extends", calc.ExtendsRef.Name, "from", p.Files[0].Name)
	ping := calc.Functions[0]
	fmt.Println(ping.Name, "returns", ping.Result.Ref.Ident(), "of", ping.Result.RefFile.Path)
	v := p.Main.Consts[0].Value
	fmt.Println(v.Ident, "=", v.RefEnumValue.Value)

	_, err = thriftidl.Load("tutorial.thrift", thriftidl.WithFS(fstest.MapFS{
		"tutorial.thrift": {Data: []byte("struct S { 1: shared.SharedStruct s }")},
	}))
	fmt.Println(err)
	// Output:
	// file: shared.thrift
	// file: tutorial.thrift
	// Calculator extends SharedService from shared
	// ping returns Status of shared.thrift
	// shared.Status.FAILED = 1
	// tutorial.thrift:1:15: unknown type "shared.SharedStruct": no include named "shared"
}

func ExampleWithIncludeDirs() {
	fsys := fstest.MapFS{
		"idl/app.thrift":          {Data: []byte(`include "base.thrift"` + "\ntypedef base.ID UserID")},
		"third_party/base.thrift": {Data: []byte("typedef i64 ID")},
	}
	p, err := thriftidl.Load("idl/app.thrift", thriftidl.WithFS(fsys), thriftidl.WithIncludeDirs("third_party"))
	if err != nil {
		fmt.Println(err)
		return
	}
	t := p.Main.Typedefs[0].Type
	fmt.Println(t, "is", t.Underlying(), "from", t.RefFile.Path)
	// Output:
	// base.ID is i64 from third_party/base.thrift
}

func ExampleWithFS() {
	fsys := fstest.MapFS{
		"a.thrift": {Data: []byte(`include "b.thrift"`)},
		"b.thrift": {Data: []byte("\n" + `include "a.thrift"`)},
	}
	_, err := thriftidl.Load("a.thrift", thriftidl.WithFS(fsys))
	fmt.Println(err)
	// Output:
	// b.thrift:2:1: include cycle: a.thrift -> b.thrift -> a.thrift
}

func ExampleFile_Namespace() {
	f, _ := thriftidl.Parse("x.thrift", []byte("namespace * example\nnamespace go example.gen"))
	fmt.Println(f.Namespace("go"))
	fmt.Println(f.Namespace("java"))
	// Output:
	// example.gen
	// example
}

func ExampleAnnotations_Get() {
	f, _ := thriftidl.Parse("x.thrift", []byte(`struct S {} (go.tag = "a", deprecated, go.tag = "b")`))
	a := f.Structs[0].Annotations
	v, ok := a.Get("go.tag")
	fmt.Println(v, ok)
	v, ok = a.Get("deprecated")
	fmt.Println(v, ok)
	fmt.Println(a.Values("go.tag"))
	// Output:
	// b true
	// 1 true
	// [a b]
}
