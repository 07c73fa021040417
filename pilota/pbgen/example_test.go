package pbgen_test

import (
	"fmt"

	"github.com/govolo/volo/pilota/pbgen"
)

// Load a .proto file and what it imports, then generate its Go package:
// the messages as protoc-gen-go writes them and the service stubs.
func ExampleLoad() {
	prog, err := pbgen.Load("testdata/greeter.proto")
	if err != nil {
		panic(err)
	}
	fmt.Println(prog.Main.Name, prog.Main.Services)
	files, err := pbgen.Generate(prog, "example.com/greeter/gen")
	if err != nil {
		panic(err)
	}
	for _, f := range files {
		fmt.Println(f.Path)
	}
	// Output:
	// greeter.proto [Greeter]
	// common/base.pb.go
	// greeter/v1/greeter.pb.go
	// greeter/v1/greeter_volo.pb.go
}

// A file with an error gives its position.
func ExampleError() {
	_, err := pbgen.Load("testdata/bad/syntax.proto")
	fmt.Println(err)
	// Output: testdata/bad/syntax.proto:6:1: syntax error: expecting ';'
}
