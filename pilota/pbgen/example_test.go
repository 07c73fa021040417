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

// Stubs for messages another package generated: the program comes from a
// linked descriptor (a generated package's File_x_proto; here the one Load
// linked), and WithMessagesIn keeps the messages in their packages, so
// only the service stubs are written.
func ExampleFromDescriptor() {
	loaded, err := pbgen.Load("testdata/greeter.proto")
	if err != nil {
		panic(err)
	}
	prog := pbgen.FromDescriptor(loaded.Main.Desc)
	fmt.Println(prog.Main.Name, prog.Main.Services)
	files, err := pbgen.Generate(prog, "example.com/stubs",
		pbgen.WithMessagesIn("greeter.proto", "example.com/msgs/greeterpb"),
		pbgen.WithMessagesIn("common/base.proto", "example.com/msgs/commonpb"))
	if err != nil {
		panic(err)
	}
	for _, f := range files {
		fmt.Println(f.Path)
	}
	// Output:
	// greeter.proto [Greeter]
	// greeter/v1/greeter_volo.pb.go
}
