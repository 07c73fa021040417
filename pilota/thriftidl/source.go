package thriftidl

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// source is where Load reads files: the operating system or an fs.FS.
type source interface {
	// locate returns the name under which to open a path written in an
	// include (or given to Load), relative to dir, and whether it can be
	// tried at all.
	locate(dir, name string) (string, bool)
	dir(name string) string
	isAbs(name string) bool
	// identity is the same for two names of the same file.
	identity(name string) string
	stat(name string) error
	read(name string) ([]byte, error)
}

type osSource struct{}

func (osSource) locate(dir, name string) (string, bool) {
	name = filepath.FromSlash(name)
	if filepath.IsAbs(name) || dir == "" {
		return filepath.Clean(name), true
	}
	return filepath.Join(dir, name), true
}

func (osSource) dir(name string) string { return filepath.Dir(name) }
func (osSource) isAbs(name string) bool { return filepath.IsAbs(filepath.FromSlash(name)) }
func (osSource) stat(name string) error { _, err := os.Stat(name); return err }
func (osSource) read(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readLimited(f, name)
}

func (osSource) identity(name string) string {
	abs, err := filepath.Abs(name)
	if err != nil {
		return name
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real
	}
	return abs
}

type fsSource struct{ fsys fs.FS }

func (fsSource) locate(dir, name string) (string, bool) {
	if strings.HasPrefix(name, "/") {
		dir, name = "", strings.TrimLeft(name, "/")
	}
	p := path.Clean(path.Join(dir, name))
	return p, fs.ValidPath(p)
}

func (fsSource) dir(name string) string      { return path.Dir(name) }
func (fsSource) isAbs(name string) bool      { return strings.HasPrefix(name, "/") }
func (fsSource) identity(name string) string { return name }
func (s fsSource) stat(name string) error    { _, err := fs.Stat(s.fsys, name); return err }
func (s fsSource) read(name string) ([]byte, error) {
	f, err := s.fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readLimited(f, name)
}

var errTooLarge = errors.New("file too large")

// readLimited reads at most MaxFileSize bytes, so a huge or endless file
// cannot exhaust memory.
func readLimited(r io.Reader, name string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fmt.Errorf("%w: more than %d bytes", errTooLarge, MaxFileSize)}
	}
	return data, nil
}
