package pbgen

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/bufbuild/protocompile"
	"github.com/bufbuild/protocompile/reporter"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Program is a loaded .proto file with everything it imports.
type Program struct {
	// Main is the file that was loaded.
	Main *File
	// Files are the files read from disk, each import before the files
	// that import it, Main last. The standard imports
	// (google/protobuf/*.proto) are not among them: their Go types come
	// from google.golang.org/protobuf.
	Files []*File

	all []protoreflect.FileDescriptor // every file, standard imports too, imports first
}

// File is one .proto file of a [Program].
type File struct {
	// Name is the file's name in import statements ("common/base.proto"):
	// its path relative to the directory it was found in.
	Name string
	// Path is the file it was read from.
	Path string
	// Dir is the import directory it was found in: Path is Dir joined
	// with Name.
	Dir string
	// Imports are the Names of the files it imports, standard ones too.
	Imports []string
	// Services are the names of the services it defines.
	Services []string
	// Desc is the linked descriptor.
	Desc protoreflect.FileDescriptor
}

// Option configures [Load].
type Option interface{ apply(*config) }

type config struct {
	importDirs []string
	maxSize    int64 // largest file read; default 16 MiB
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// WithImportDirs adds directories imports are looked up in, after the
// directory of the loaded file (or the import directory it is in, when
// it is in one of dirs), in order, as protoc's -I flags.
func WithImportDirs(dirs ...string) Option {
	return optionFunc(func(c *config) { c.importDirs = append(c.importDirs, dirs...) })
}

// WithMaxFileSize sets the size of the largest file Load reads; a larger
// one is [ErrTooLarge]. The default is 16 MiB.
func WithMaxFileSize(n int64) Option {
	return optionFunc(func(c *config) { c.maxSize = n })
}

// maxErrors is how many errors Load reports before it stops.
const maxErrors = 20

// Load parses and links a .proto file and what it imports. The file's
// name in the program is its path relative to the first import directory
// that holds it, or else its base name, its directory then searched for
// imports first. An error of the files' contents matches [ErrParse] and
// holds an [*Error] per problem, with its position.
func Load(file string, opts ...Option) (*Program, error) {
	c := config{maxSize: 16 << 20}
	for _, o := range opts {
		o.apply(&c)
	}
	if fi, err := os.Stat(file); err != nil || fi.IsDir() {
		return nil, fmt.Errorf("%w: %s", ErrNoFile, file)
	}
	name, dirs := mainName(file, c.importDirs)
	open := func(name string) (string, string, io.ReadCloser, error) {
		if !filepath.IsLocal(filepath.FromSlash(name)) {
			// protoc refuses these too: a name is a path inside an
			// import directory.
			return "", "", nil, errors.New("not a relative path inside the import directories")
		}
		for _, d := range dirs {
			p := filepath.Join(d, filepath.FromSlash(name))
			f, err := os.Open(p)
			if err == nil {
				return d, p, f, nil
			}
		}
		return "", "", nil, os.ErrNotExist
	}
	return load(name, open, c.maxSize)
}

// mainName returns the import name of file and the directories imports
// are searched in, as the caller spelled them so that errors name files
// the way the caller does.
func mainName(file string, importDirs []string) (string, []string) {
	abs := func(p string) string {
		if a, err := filepath.Abs(p); err == nil {
			return a
		}
		return filepath.Clean(p)
	}
	af := abs(file)
	for i, d := range importDirs {
		if rel, err := filepath.Rel(abs(d), af); err == nil && filepath.IsLocal(rel) {
			// Found in an import directory: the name is relative to it,
			// as protoc names it.
			return filepath.ToSlash(rel), importDirs[i:]
		}
	}
	return filepath.Base(file), append([]string{filepath.Dir(file)}, importDirs...)
}

// opener finds an import by name: the directory it is in, the file's
// path, and its contents.
type opener func(name string) (dir, path string, rc io.ReadCloser, err error)

func load(mainName string, open opener, maxSize int64) (*Program, error) {
	var mu sync.Mutex
	found := make(map[string][2]string) // name -> dir, path
	resolver := protocompile.ResolverFunc(func(name string) (protocompile.SearchResult, error) {
		dir, path, rc, err := open(name)
		if err != nil {
			return protocompile.SearchResult{}, err
		}
		defer rc.Close()
		data, err := io.ReadAll(io.LimitReader(rc, maxSize+1))
		if err != nil {
			return protocompile.SearchResult{}, err
		}
		if int64(len(data)) > maxSize {
			return protocompile.SearchResult{}, fmt.Errorf("%w: %s is over %d bytes", ErrTooLarge, path, maxSize)
		}
		mu.Lock()
		found[name] = [2]string{dir, path}
		mu.Unlock()
		return protocompile.SearchResult{Source: bytes.NewReader(data)}, nil
	})
	var errs []error
	pathOf := func(name string) string {
		mu.Lock()
		defer mu.Unlock()
		if f, ok := found[name]; ok {
			return f[1]
		}
		return name
	}
	rep := reporter.NewReporter(func(e reporter.ErrorWithPos) error {
		pos := e.GetPosition()
		mu.Lock()
		errs = append(errs, &Error{Pos: Pos{File: pos.Filename, Line: pos.Line, Col: pos.Col}, Msg: message(e)})
		n := len(errs)
		mu.Unlock()
		if n >= maxErrors {
			return e
		}
		return nil
	}, nil)
	comp := protocompile.Compiler{
		Resolver:       protocompile.WithStandardImports(resolver),
		Reporter:       rep,
		SourceInfoMode: protocompile.SourceInfoStandard,
		MaxParallelism: 1,
	}
	files, err := comp.Compile(context.Background(), mainName)
	if len(errs) > 0 {
		for _, e := range errs {
			if pe, ok := e.(*Error); ok {
				pe.Pos.File = pathOf(pe.Pos.File)
			}
		}
		return nil, errors.Join(errs...)
	}
	if err != nil {
		if errors.Is(err, ErrTooLarge) {
			return nil, err
		}
		// Not reported with a position: a file that is not found.
		return nil, unresolved(err, mainName, found)
	}
	return programOf(files[0], func(f *File) bool {
		loc, ok := found[f.Name]
		if !ok {
			return false // a standard import
		}
		f.Dir, f.Path = loc[0], loc[1]
		return true
	}), nil
}

// FromDescriptor returns the program of a linked file descriptor and what
// it imports, such as the File_x_proto variable of a package protoc-gen-go
// generated: a program without .proto sources, for [Generate] with
// [WithMessagesIn]. The files of google/protobuf/ are standard imports, as
// [Load] has them; the others have no Path and Dir.
func FromDescriptor(fd protoreflect.FileDescriptor) *Program {
	return programOf(fd, func(f *File) bool {
		return !strings.HasPrefix(f.Name, "google/protobuf/")
	})
}

// programOf returns the program of root and what it imports, each file
// after its imports, so that the last of Files is root. own reports
// whether a file is one of the program's own rather than a standard
// import, and may fill in its Dir and Path; a standard import is linked
// but not in Files.
func programOf(root protoreflect.FileDescriptor, own func(*File) bool) *Program {
	prog := &Program{}
	seen := make(map[string]bool)
	var walk func(fd protoreflect.FileDescriptor)
	walk = func(fd protoreflect.FileDescriptor) {
		if seen[fd.Path()] {
			return
		}
		seen[fd.Path()] = true
		imps := fd.Imports()
		f := &File{Name: fd.Path(), Desc: fd}
		for i := range imps.Len() {
			walk(imps.Get(i).FileDescriptor)
			f.Imports = append(f.Imports, imps.Get(i).Path())
		}
		prog.all = append(prog.all, fd)
		if !own(f) {
			return
		}
		svcs := fd.Services()
		for i := range svcs.Len() {
			f.Services = append(f.Services, string(svcs.Get(i).Name()))
		}
		prog.Files = append(prog.Files, f)
	}
	walk(root)
	if len(prog.Files) > 0 {
		prog.Main = prog.Files[len(prog.Files)-1]
	}
	return prog
}

// message returns an error's text without the position the compiler
// puts in front of it.
func message(err error) string {
	if e, ok := err.(reporter.ErrorWithPos); ok {
		if u := e.Unwrap(); u != nil {
			return u.Error()
		}
	}
	s := err.Error()
	if i := strings.Index(s, ": "); i >= 0 && strings.Contains(s[:i], ".proto") {
		return s[i+2:]
	}
	return s
}

// unresolved returns the error of an import that is not found, at the
// import statement that names it.
func unresolved(err error, mainName string, found map[string][2]string) error {
	e := &Error{Pos: Pos{File: mainName}, Msg: message(err)}
	if f, ok := found[mainName]; ok {
		e.Pos.File = f[1]
	}
	msg := err.Error()
	i := strings.Index(msg, `"`)
	j := strings.Index(msg[i+1:], `"`)
	if i < 0 || j < 0 {
		return e
	}
	quoted := msg[i : i+j+2]
	for _, f := range found {
		data, rerr := os.ReadFile(f[1])
		if rerr != nil {
			continue
		}
		for n, line := range strings.Split(string(data), "\n") {
			if col := strings.Index(line, quoted); col >= 0 && strings.Contains(line[:col], "import") {
				e.Pos = Pos{File: f[1], Line: n + 1, Col: col + 1}
				return e
			}
		}
	}
	return e
}
