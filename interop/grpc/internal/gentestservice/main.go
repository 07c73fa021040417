// Command gentestservice writes volo's stubs of grpc-go's
// grpc.testing.TestService (and the other services of
// grpc/testing/test.proto) under gen/, with pilota/pbgen: the messages stay
// those of google.golang.org/grpc/interop/grpc_testing, which grpc-go's
// interop client and server use too, so that no .proto file is registered
// twice. The program is read from that package's linked descriptor, as
// grpc-go's module ships no .proto files.
//
// Usage: go run ./internal/gentestservice [-out dir]   (generate.sh runs it)
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	testpb "google.golang.org/grpc/interop/grpc_testing"

	"github.com/govolo/volo/pilota/pbgen"
)

const (
	importPath  = "github.com/govolo/volo/interop/grpc/gen"
	messagesPkg = "google.golang.org/grpc/interop/grpc_testing"
)

func main() {
	out := flag.String("out", "gen", "directory of the import path "+importPath)
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "gentestservice:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	prog := pbgen.FromDescriptor(testpb.File_grpc_testing_test_proto)
	var opts []pbgen.GenOption
	for _, f := range prog.Files {
		opts = append(opts, pbgen.WithMessagesIn(f.Name, messagesPkg))
	}
	files, err := pbgen.Generate(prog, importPath, opts...)
	if err != nil {
		return err
	}
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	for _, f := range files {
		p := filepath.Join(out, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, f.Content, 0o644); err != nil {
			return err
		}
	}
	return nil
}
