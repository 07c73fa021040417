// Command pilotagen runs pilota's Go generator on one IDL file and writes
// the generated files under a directory. Its flags are those of
// `volo gen`, which replaces it once the volo command is in the
// repository:
//
//	pilotagen -idl file.thrift [-I dir]... -out DIR -import IMPORTPATH [-fastcodec]
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/govolo/volo/pilota/gen"
	"github.com/govolo/volo/pilota/thriftidl"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "pilotagen:", err)
		os.Exit(1)
	}
}

// dirs is a repeatable -I flag.
type dirs []string

func (d *dirs) String() string { return strings.Join(*d, ",") }

func (d *dirs) Set(s string) error {
	*d = append(*d, s)
	return nil
}

func run(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("pilotagen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		idl       = fs.String("idl", "", "the IDL `file` to generate")
		out       = fs.String("out", "", "the `directory` the generated packages go under")
		importDir = fs.String("import", "", "the import `path` of the -out directory")
		fastCodec = fs.Bool("fastcodec", false, "also write cloudwego/gopkg's FastCodec methods")
		include   dirs
	)
	fs.Var(&include, "I", "a `directory` to look for included files in (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *idl == "" || *out == "" || *importDir == "" || fs.NArg() > 0 {
		fs.Usage()
		return errors.New("-idl, -out and -import are required, and nothing else")
	}
	prog, err := thriftidl.Load(*idl, thriftidl.WithIncludeDirs(include...))
	if err != nil {
		return err
	}
	files, err := gen.Generate(prog, *importDir, gen.WithFastCodec(*fastCodec))
	if err != nil {
		return err
	}
	for _, f := range files {
		p := filepath.Join(*out, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, f.Content, 0o644); err != nil {
			return err
		}
	}
	return nil
}
