package gen_test

import (
	"fmt"
	"strings"
	"testing/fstest"

	"github.com/govolo/volo/pilota/gen"
	"github.com/govolo/volo/pilota/thriftidl"
)

// A .thrift file becomes a Go package: its types with their codecs, and
// for its service a handler interface, registration, descriptors and a
// typed client.
func ExampleGenerate() {
	fsys := fstest.MapFS{"hello.thrift": {Data: []byte(`
namespace go hello
service Greeter {
  string greet(1: string name)
}
`)}}
	prog, err := thriftidl.Load("hello.thrift", thriftidl.WithFS(fsys))
	if err != nil {
		panic(err)
	}
	files, err := gen.Generate(prog, "example.com/app/gen")
	if err != nil {
		panic(err)
	}
	for _, f := range files {
		fmt.Println(f.Path, f.Package)
		for _, line := range strings.Split(string(f.Content), "\n") {
			if strings.HasPrefix(line, "func New") || strings.HasPrefix(line, "func Register") || strings.HasPrefix(line, "type Greeter") {
				fmt.Println(" ", line)
			}
		}
	}
	// Output:
	// hello/hello.go example.com/app/gen/hello
	//   type Greeter interface {
	//   func RegisterGreeter(srv *server.Server, impl Greeter) error {
	//   type GreeterClient struct {
	//   func NewGreeterClient(opts ...client.Option) (*GreeterClient, error) {
	//   type GreeterGreetArgs struct {
	//   func NewGreeterGreetArgs() *GreeterGreetArgs {
	//   type GreeterGreetResult struct {
	//   func NewGreeterGreetResult() *GreeterGreetResult {
}

func ExampleWithFastCodec() {
	fsys := fstest.MapFS{"hello.thrift": {Data: []byte("struct Hello { 1: string name }\n")}}
	prog, err := thriftidl.Load("hello.thrift", thriftidl.WithFS(fsys))
	if err != nil {
		panic(err)
	}
	files, err := gen.Generate(prog, "example.com/app/gen", gen.WithFastCodec(true))
	if err != nil {
		panic(err)
	}
	for _, f := range files {
		fmt.Println(f.Path)
	}
	// Output:
	// hello/hello.go
	// hello/hello_fastcodec.go
}
