package project

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
)

// Project is a directory with a volo.yml and a go.mod.
type Project struct {
	// Dir is the project's directory, as given or found: relative paths
	// stay relative, so that messages name files as the user does.
	Dir string
	// Module is the module path of Dir's go.mod.
	Module string
	// Config is volo.yml.
	Config *Config

	out io.Writer
}

// Open opens the project in dir, which must hold volo.yml and go.mod.
// Messages about what the project's commands do go to out (nil: none).
func Open(dir string, out io.Writer) (*Project, error) {
	c, err := readConfig(dir)
	if err != nil {
		return nil, err
	}
	mod, err := modulePath(filepath.Join(dir, "go.mod"))
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = io.Discard
	}
	return &Project{Dir: dir, Module: mod, Config: c, out: out}, nil
}

// Find opens the project of dir: the nearest directory from dir upwards
// that holds a volo.yml, as go finds go.mod, so that volo gen works from
// any directory of the project (go generate runs it in a package's).
func Find(dir string, out io.Writer) (*Project, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	rel := dir
	for {
		if _, err := os.Stat(filepath.Join(abs, ConfigFile)); err == nil {
			return Open(rel, out)
		}
		parent := filepath.Dir(abs)
		if parent == abs {
			return nil, fmt.Errorf("%w in %s or any directory above it", ErrNoProject, dir)
		}
		abs, rel = parent, filepath.Join(rel, "..")
	}
}

// ImportPath is the import path of the generated code's root.
func (p *Project) ImportPath() string { return path.Join(p.Module, p.Config.Output) }

// path returns the file of the project at the slash path rel.
func (p *Project) path(rel string) string { return filepath.Join(p.Dir, filepath.FromSlash(rel)) }

// printf writes a message about what the project's commands do.
func (p *Project) printf(format string, args ...any) {
	fmt.Fprintf(p.out, format+"\n", args...)
}

// writeFile writes data to name, creating its directory, unless name
// holds data already.
func writeFile(name string, data []byte) error {
	if old, err := os.ReadFile(name); err == nil && bytes.Equal(old, data) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	return os.WriteFile(name, data, 0o644)
}

// exists reports whether name exists.
func exists(name string) bool {
	_, err := os.Stat(name)
	return !errors.Is(err, os.ErrNotExist)
}
