package project

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/govolo/volo/cmd/volo/internal/scaffold"
	"github.com/govolo/volo/pilota/gen"
	"github.com/govolo/volo/pilota/pbgen"
)

// InitOptions are the arguments of [Init].
type InitOptions struct {
	// Dir is the project's directory: empty or missing.
	Dir string
	// Module is the new module's path.
	Module string
	// IDL is the main IDL file; its services get handlers and calls.
	IDL string
	// Includes are include directories for IDL.
	Includes []string
	// FastCodec turns on gen.WithFastCodec.
	FastCodec bool
	// UnknownFields turns on gen.WithUnknownFields.
	UnknownFields bool
	// Replace is a clone of the volo repository whose modules replace the
	// required ones (they are not published yet); "" for none.
	Replace string
	// NoTidy skips go mod tidy.
	NoTidy bool
}

// genDoc is gen/doc.go: the package clause of the output root, and the
// directive for go generate that regenerates it.
const genDoc = `// Package gen holds the code volo generates from the IDL listed in
// volo.yml, a package per IDL namespace. Do not edit it: change the IDL
// and run go generate ./... (or volo gen), which regenerates it. The volo
// command comes from the tool directive of go.mod.
package gen

//go:generate go run github.com/govolo/volo/cmd/volo gen
`

// Init creates a project in o.Dir: go.mod, .gitignore, volo.yml, the IDL
// copied under idl/ with everything it includes, the generated code under
// gen/, a server with a stub handler for every service of the IDL and a
// client that calls every method; then it runs go mod tidy. The IDL is
// loaded and generated before anything is written, so a bad IDL leaves
// nothing behind. Messages go to out (nil: none).
func Init(ctx context.Context, o InitOptions, out io.Writer) (*Project, error) {
	if out == nil {
		out = io.Discard
	}
	if err := checkModule(o.Module); err != nil {
		return nil, err
	}
	if o.Dir == "" {
		o.Dir = "."
	}
	if err := checkEmpty(o.Dir); err != nil {
		return nil, err
	}
	clone := ""
	if o.Replace != "" {
		c, err := CheckClone(o.Replace)
		if err != nil {
			return nil, err
		}
		clone = c
	}
	prog, err := loadIDL(o.IDL, o.Includes)
	if err != nil {
		return nil, err
	}
	plan, err := planCopy(o.Dir, prog, o.Includes)
	if err != nil {
		return nil, err
	}
	plan.entry.FastCodec = o.FastCodec
	plan.entry.UnknownFields = o.UnknownFields
	p := &Project{Dir: o.Dir, Module: o.Module, Config: &Config{Output: DefaultOutput, IDLs: []*Entry{plan.entry}}, out: out}
	files, err := generate(prog, p.ImportPath(), plan.entry.flags())
	if err != nil {
		return nil, err
	}
	programs, err := writePrograms(prog, p.ImportPath(), files)
	if err != nil {
		return nil, err
	}
	var runtimes []string // the runtime modules beside volo
	if prog.proto != nil {
		runtimes = append(runtimes, grpcModule)
	}
	goMod, err := newGoMod(o.Module, clone, runtimes...)
	if err != nil {
		return nil, err
	}

	// Everything is known: write it.
	write := map[string][]byte{
		"go.mod":                  goMod,
		".gitignore":              []byte(gitignore),
		DefaultOutput + "/doc.go": []byte(genDoc),
	}
	for _, f := range programs {
		write[f.Path] = f.Content
	}
	for rel, data := range write {
		if err := writeFile(p.path(rel), data); err != nil {
			return nil, err
		}
	}
	if _, err := copyIDL(p.Dir, plan); err != nil {
		return nil, err
	}
	if err := writeGenerated(p.path(DefaultOutput), files, io.Discard); err != nil {
		return nil, err
	}
	if err := writeConfig(p.Dir, p.Config); err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "created module %s in %s: %s, %d generated files under %s/, %s, %s and %s\n",
		o.Module, o.Dir, plan.entry.Path, len(files), DefaultOutput, scaffold.ServerMain, scaffold.ServerHandler, scaffold.ClientMain)
	if clone != "" {
		fmt.Fprintf(out, "go.mod replaces volo's modules, which are not published yet, with the clone at %s\n", clone)
	}
	if o.NoTidy {
		return p, nil
	}
	fmt.Fprintf(out, "running go mod tidy in %s\n", o.Dir)
	if err := runGo(ctx, o.Dir, "mod", "tidy"); err != nil {
		if clone == "" {
			return p, fmt.Errorf("%w\n(volo's modules are not published yet: volo init -replace <a clone of github.com/govolo/volo> replaces them)", err)
		}
		return p, err
	}
	return p, nil
}

// writePrograms returns the server, its handlers and the client of the
// main file's services.
func writePrograms(prog *program, importPath string, files []gen.File) ([]scaffold.File, error) {
	if prog.proto != nil {
		svcs, err := pbgen.Services(prog.proto, importPath)
		if err != nil {
			return nil, &IDLError{Kind: ErrGenerate, Err: err}
		}
		programs, err := scaffold.WriteProto(idlBase(prog.proto.Main.Path), svcs)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrScaffold, err)
		}
		return programs, nil
	}
	var services []string
	for _, s := range prog.thrift.Main.Services {
		services = append(services, s.Name)
	}
	programs, err := scaffold.Write(idlBase(prog.thrift.Main.Path), services, files)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrScaffold, err)
	}
	return programs, nil
}

// checkEmpty reports a directory init may not write into: one with a
// go.mod or a volo.yml, or any file but a .git.
func checkEmpty(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%w: %v", ErrNotEmpty, err)
	}
	for _, name := range []string{"go.mod", ConfigFile} {
		if exists(filepath.Join(dir, name)) {
			return fmt.Errorf("%w: %s", ErrExists, filepath.Join(dir, name))
		}
	}
	for _, e := range entries {
		if e.Name() != ".git" {
			return fmt.Errorf("%w: %s holds %s; init writes into an empty directory", ErrNotEmpty, dir, e.Name())
		}
	}
	return nil
}

// checkModule reports a module path go would refuse, roughly as
// golang.org/x/mod/module.CheckPath does: slash-separated elements of
// letters, digits and -._~, none empty or starting or ending with a dot.
func checkModule(mod string) error {
	if mod == "" {
		return fmt.Errorf("%w: empty", ErrModule)
	}
	for _, elem := range strings.Split(mod, "/") {
		if elem == "" || elem[0] == '.' || elem[len(elem)-1] == '.' {
			return fmt.Errorf("%w: %q", ErrModule, mod)
		}
		for _, r := range elem {
			if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("-._~", r)) {
				return fmt.Errorf("%w: %q has %q", ErrModule, mod, r)
			}
		}
	}
	if elem := strings.Split(mod, "/")[0]; elem[0] == '-' {
		return fmt.Errorf("%w: %q", ErrModule, mod)
	}
	return nil
}
