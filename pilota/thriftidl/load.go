package thriftidl

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
)

// Program is a loaded IDL file with everything it includes, names resolved.
type Program struct {
	// Main is the file given to Load.
	Main *File
	// Files holds every file once, each after the files it includes (in
	// the order of its include statements), so Main is last. The order is
	// the same from run to run.
	Files []*File
}

// maxIncludeDepth bounds the nesting of includes.
const maxIncludeDepth = 256

// Load parses the file at path and every file it includes, each once even
// when several files include it, and resolves every name. A cycle of
// includes is an error, as in Apache. On error the Program is nil and the
// error is an ErrorList; its errors match ErrSyntax or ErrResolve, and a
// file that cannot be found is reported at the include that names it and
// matches fs.ErrNotExist.
func Load(path string, opts ...Option) (*Program, error) {
	cfg := newConfig(opts)
	l := &loader{cfg: cfg, errs: &errorSink{}, files: make(map[string]*loadState)}
	if cfg.fsys != nil {
		l.src = fsSource{cfg.fsys}
	} else {
		l.src = osSource{}
	}
	name, ok := l.src.locate("", path)
	var main *File
	if !ok {
		l.errs.add(&Error{Pos: Pos{Filename: path}, Msg: "invalid file name",
			cause: &fs.PathError{Op: "open", Path: path, Err: fs.ErrInvalid}})
	} else if data, err := l.src.read(name); err != nil {
		l.errs.add(&Error{Pos: Pos{Filename: path}, Msg: "cannot read file: " + pathErrorText(err), cause: err})
	} else {
		main = l.load(name, l.src.identity(name), data)
	}
	if err := l.errs.err(); err != nil {
		return nil, err
	}
	r := newResolver(l.errs, l.order)
	for _, f := range l.order {
		if l.errs.full {
			break
		}
		r.file(f)
	}
	if err := l.errs.err(); err != nil {
		return nil, err
	}
	return &Program{Main: main, Files: l.order}, nil
}

type loader struct {
	cfg   config
	src   source
	errs  *errorSink
	files map[string]*loadState // by identity
	stack []*File
	order []*File
}

type loadState struct {
	file *File
	done bool
}

func (l *loader) load(name, id string, data []byte) *File {
	f := parse(name, data, l.errs)
	st := &loadState{file: f}
	l.files[id] = st
	l.stack = append(l.stack, f)
	for _, inc := range f.Includes {
		if l.errs.full {
			break
		}
		l.include(f, inc)
	}
	l.stack = l.stack[:len(l.stack)-1]
	st.done = true
	l.order = append(l.order, f)
	return f
}

func (l *loader) include(from *File, inc *Include) {
	name, err := l.find(from, inc)
	if err != nil {
		l.errs.add(err)
		return
	}
	id := l.src.identity(name)
	if st := l.files[id]; st != nil {
		if !st.done {
			l.errs.resolve(inc.Pos, "include cycle: "+l.cycle(st.file))
			return
		}
		inc.File = st.file
		return
	}
	if len(l.stack) >= maxIncludeDepth {
		l.errs.resolve(inc.Pos, fmt.Sprintf("includes nested deeper than %d files", maxIncludeDepth))
		return
	}
	data, rerr := l.src.read(name)
	if rerr != nil {
		l.errs.add(&Error{Pos: inc.Pos, Msg: fmt.Sprintf("cannot read include %q: %s", inc.Path, pathErrorText(rerr)), cause: rerr})
		return
	}
	inc.File = l.load(name, id, data)
}

// cycle describes the include cycle from f, which is on the stack, to the
// file now including it.
func (l *loader) cycle(f *File) string {
	var names []string
	for i := len(l.stack) - 1; i >= 0; i-- {
		if l.stack[i] == f {
			for _, g := range l.stack[i:] {
				names = append(names, g.Path)
			}
			break
		}
	}
	return strings.Join(append(names, f.Path), " -> ")
}

// find returns the name of the file an include names: relative to the
// including file's directory, then to each include directory, as Apache
// searches.
func (l *loader) find(from *File, inc *Include) (string, *Error) {
	dirs := []string{l.src.dir(from.Path)}
	if !l.src.isAbs(inc.Path) {
		dirs = append(dirs, l.cfg.includeDirs...)
	}
	for _, d := range dirs {
		name, ok := l.src.locate(d, inc.Path)
		if !ok {
			continue
		}
		err := l.src.stat(name)
		if err == nil {
			return name, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", &Error{Pos: inc.Pos, Msg: fmt.Sprintf("cannot read include %q: %s", inc.Path, pathErrorText(err)), cause: err}
		}
	}
	return "", &Error{Pos: inc.Pos, Msg: fmt.Sprintf("cannot find include %q", inc.Path),
		cause: &fs.PathError{Op: "open", Path: inc.Path, Err: fs.ErrNotExist}}
}

// pathErrorText is the reason of a file system error without the path,
// which the message already names.
func pathErrorText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
