package gen

import (
	"bytes"
	"errors"
	"fmt"
	"go/format"
	"path"
	"sort"
	"strings"

	"github.com/govolo/volo/pilota/thriftidl"
)

// Import paths of the runtime the generated code uses.
const (
	thriftPkg = "github.com/govolo/volo/volo/thrift"
	clientPkg = "github.com/govolo/volo/volo/thrift/client"
	serverPkg = "github.com/govolo/volo/volo/thrift/server"
	gopkgPkg  = "github.com/cloudwego/gopkg/protocol/thrift"
)

// ErrGenerate matches every error of [Generate]: an IDL the generator
// cannot turn into Go (two definitions that would have one Go name, files
// of one Go package that disagree on its name). The errors are *[Error]
// values with the position of the definition at fault.
var ErrGenerate = errors.New("gen: cannot generate")

// Error is an error of [Generate] at a position of the IDL.
type Error struct {
	Pos thriftidl.Pos
	Msg string
}

// Error returns "file:line:col: message".
func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// Is makes errors.Is(err, ErrGenerate) true.
func (e *Error) Is(target error) bool { return target == ErrGenerate }

// File is one generated Go file.
type File struct {
	// Path is where the file goes, slash-separated and relative to the
	// directory whose import path was given to Generate: "echo/echo.go".
	Path string
	// Package is the Go package's import path.
	Package string
	// Content is the file, gofmt'd.
	Content []byte
}

// An Option configures [Generate].
type Option interface {
	apply(*config)
}

type config struct {
	fastCodec   bool
	keepUnknown bool
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// WithFastCodec adds to each package a file <idl>_fastcodec.go that gives
// every struct the FastWriteNocopy method, so that generated types satisfy
// cloudwego/gopkg's thrift.FastCodec and Kitex's runtime can carry them.
// The generated code then imports github.com/cloudwego/gopkg. Without it,
// structs have BLength, FastWrite and FastRead, and no dependency beyond
// volo. Default: off.
func WithFastCodec(on bool) Option {
	return optionFunc(func(c *config) { c.fastCodec = on })
}

// WithUnknownFields makes generated structs keep the fields they do not
// know (and fields of a wrong wire type) as raw bytes when they decode,
// and append them again when they encode, as a proxy in the middle of a
// call chain needs to pass on fields that only the services behind it
// know. Default: off; unknown fields are skipped.
func WithUnknownFields(on bool) Option {
	return optionFunc(func(c *config) { c.keepUnknown = on })
}

// goPkg is the Go package of one or more IDL files.
type goPkg struct {
	name       string // package clause
	dir        string // relative to the output root
	importPath string
	// names declared in the package, for collisions across its files.
	names map[string]thriftidl.Pos
}

// generator holds what the files of one Generate call share.
type generator struct {
	cfg   config
	root  string
	pkgs  map[*thriftidl.File]*goPkg
	byDir map[string]*goPkg
}

// Generate turns every file of prog into Go: for each IDL file, a file
// <name>.go in the directory of its Go package (its "go" namespace, or
// the "*" one, with dots as slashes, or else its base name in lower case),
// whose import path is importPath followed by that directory. Files of one namespace share a package.
// The output is gofmt'd and the same for the same input.
func Generate(prog *thriftidl.Program, importPath string, opts ...Option) ([]File, error) {
	g := &generator{root: strings.TrimSuffix(importPath, "/"), pkgs: make(map[*thriftidl.File]*goPkg), byDir: make(map[string]*goPkg)}
	for _, o := range opts {
		if o != nil {
			o.apply(&g.cfg)
		}
	}
	if prog == nil || len(prog.Files) == 0 {
		return nil, fmt.Errorf("%w: no IDL files", ErrGenerate)
	}
	for _, f := range prog.Files {
		if err := g.place(f); err != nil {
			return nil, err
		}
	}
	var out []File
	for _, f := range prog.Files {
		files, err := g.file(f)
		if err != nil {
			return nil, err
		}
		out = append(out, files...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// place finds the Go package of f.
func (g *generator) place(f *thriftidl.File) error {
	ns := f.Namespace("go")
	if ns == "" {
		// Go package names are lower case; a namespace says otherwise
		// only when it is written so.
		ns = strings.ToLower(f.Name)
	}
	var parts []string
	for _, p := range strings.Split(ns, ".") {
		if p = packageName(p); p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		parts = []string{packageName(strings.ToLower(f.Name))}
	}
	dir := strings.Join(parts, "/")
	p := g.byDir[dir]
	if p == nil {
		p = &goPkg{name: parts[len(parts)-1], dir: dir, importPath: path.Join(g.root, dir), names: make(map[string]thriftidl.Pos)}
		g.byDir[dir] = p
	}
	g.pkgs[f] = p
	return nil
}

// file generates the files of one IDL file.
func (g *generator) file(f *thriftidl.File) ([]File, error) {
	w := newWriter(g, f)
	if err := w.declareAll(); err != nil {
		return nil, err
	}
	w.body()
	base := fileBase(f)
	src, err := w.assemble(f.Doc, false)
	if err != nil {
		return nil, err
	}
	out := []File{{Path: path.Join(w.pkg.dir, base+".go"), Package: w.pkg.importPath, Content: src}}
	if g.cfg.fastCodec && len(w.structNames) > 0 {
		fw := newWriter(g, f)
		fw.fastCodec(w.structNames)
		src, err := fw.assemble("", true)
		if err != nil {
			return nil, err
		}
		out = append(out, File{Path: path.Join(w.pkg.dir, base+"_fastcodec.go"), Package: w.pkg.importPath, Content: src})
	}
	return out, nil
}

// fileBase is the name of the Go file of f, without ".go".
func fileBase(f *thriftidl.File) string {
	b := strings.ToLower(packageName(f.Name))
	if b == "" {
		b = "idl"
	}
	if strings.HasSuffix(b, "_test") {
		// A _test.go file would not be part of the package.
		b += "_"
	}
	return b
}

// writer writes one Go file.
type writer struct {
	g   *generator
	f   *thriftidl.File
	pkg *goPkg
	buf bytes.Buffer
	// imports maps an import path to the name it is used by in the file.
	imports map[string]string
	// structNames lists the Go structs written, for the fast-codec file.
	structNames []string
}

func newWriter(g *generator, f *thriftidl.File) *writer {
	return &writer{g: g, f: f, pkg: g.pkgs[f], imports: make(map[string]string)}
}

// p writes a line: format and args as fmt.Sprintf. Indentation is left to
// gofmt.
func (w *writer) p(format string, args ...any) {
	if len(args) == 0 {
		w.buf.WriteString(format)
	} else {
		fmt.Fprintf(&w.buf, format, args...)
	}
	w.buf.WriteByte('\n')
}

// use records that the file imports path and returns the name to qualify
// its identifiers with.
func (w *writer) use(importPath string) string {
	if name, ok := w.imports[importPath]; ok {
		return name
	}
	name := path.Base(importPath)
	switch importPath {
	case gopkgPkg:
		name = "gthrift"
	default:
		if p, ok := w.g.byDir[strings.TrimPrefix(strings.TrimPrefix(importPath, w.g.root), "/")]; ok && strings.HasPrefix(importPath, w.g.root) {
			name = p.name
		}
	}
	taken := func(n string) bool {
		if n == w.pkg.name {
			return true
		}
		for _, used := range w.imports {
			if used == n {
				return true
			}
		}
		return false
	}
	for base, i := name, 2; taken(name); i++ {
		name = fmt.Sprintf("%s%d", base, i)
	}
	w.imports[importPath] = name
	return name
}

// rt qualifies an identifier of the runtime package thrift.
func (w *writer) rt(ident string) string { return w.use(thriftPkg) + "." + ident }

// qual qualifies the Go name of a definition of file def for use in w's
// file.
func (w *writer) qual(def *thriftidl.File, name string) string {
	p := w.g.pkgs[def]
	if p == nil || p == w.pkg {
		return name
	}
	return w.use(p.importPath) + "." + name
}

// assemble puts the header, the package clause and the imports before the
// body and formats the file.
func (w *writer) assemble(doc string, fast bool) ([]byte, error) {
	var out bytes.Buffer
	fmt.Fprintf(&out, "// Code generated by pilota from %s. DO NOT EDIT.\n\n", path.Base(strings.ReplaceAll(w.f.Path, "\\", "/")))
	if !fast {
		if doc != "" {
			writeDoc(&out, doc)
		} else {
			fmt.Fprintf(&out, "// Package %s is generated from %s.\n", w.pkg.name, path.Base(strings.ReplaceAll(w.f.Path, "\\", "/")))
		}
	}
	fmt.Fprintf(&out, "package %s\n\n", w.pkg.name)
	if len(w.imports) > 0 {
		var std, others []string
		for ip := range w.imports {
			if strings.Contains(strings.SplitN(ip, "/", 2)[0], ".") {
				others = append(others, ip)
			} else {
				std = append(std, ip)
			}
		}
		sort.Strings(std)
		sort.Strings(others)
		out.WriteString("import (\n")
		for _, ip := range std {
			w.writeImport(&out, ip)
		}
		if len(std) > 0 && len(others) > 0 {
			out.WriteString("\n")
		}
		for _, ip := range others {
			w.writeImport(&out, ip)
		}
		out.WriteString(")\n\n")
	}
	out.Write(w.buf.Bytes())
	src, err := format.Source(out.Bytes())
	if err != nil {
		// The generator wrote invalid Go: a bug, reported with the source
		// so that it can be found.
		return nil, fmt.Errorf("gen: formatting %s: %w\n%s", w.f.Path, err, numbered(out.Bytes()))
	}
	return src, nil
}

func (w *writer) writeImport(out *bytes.Buffer, ip string) {
	if name := w.imports[ip]; name != path.Base(ip) {
		fmt.Fprintf(out, "%s %q\n", name, ip)
		return
	}
	fmt.Fprintf(out, "%q\n", ip)
}

// numbered returns src with line numbers, for the error of a bug.
func numbered(src []byte) string {
	var b strings.Builder
	for i, line := range strings.Split(string(src), "\n") {
		fmt.Fprintf(&b, "%5d  %s\n", i+1, line)
	}
	return b.String()
}

// writeDoc writes an IDL doc comment as Go comment lines, as written.
func writeDoc(out *bytes.Buffer, doc string) {
	for _, line := range strings.Split(doc, "\n") {
		line = strings.TrimRight(line, " \t")
		if line == "" {
			out.WriteString("//\n")
			continue
		}
		out.WriteString("// " + line + "\n")
	}
}

// doc writes the IDL's doc comment if there is one, else the generated one,
// wrapped.
func (w *writer) doc(idlDoc, generated string) {
	if idlDoc != "" {
		writeDoc(&w.buf, idlDoc)
		return
	}
	w.comment(generated)
}

// comment writes text as a Go comment, wrapped at 76 columns.
func (w *writer) comment(text string) {
	line := "//"
	for _, word := range strings.Fields(text) {
		if len(line)+1+len(word) > 76 && line != "//" {
			w.buf.WriteString(line + "\n")
			line = "//"
		}
		line += " " + word
	}
	w.buf.WriteString(line + "\n")
}

// body writes the file's definitions in IDL order.
func (w *writer) body() {
	for _, d := range w.f.Definitions {
		switch d := d.(type) {
		case *thriftidl.Typedef:
			w.writeTypedef(d)
		case *thriftidl.Const:
			w.writeConst(d)
		case *thriftidl.Enum:
			w.writeEnum(d)
		case *thriftidl.Senum:
			w.writeSenum(d)
		case *thriftidl.Struct:
			w.writeStruct(w.specFor(d))
		case *thriftidl.Service:
			w.writeService(d)
		}
	}
}

// declareAll reserves the Go names the file's definitions generate in
// their package, and fails on the first that another definition took.
func (w *writer) declareAll() error {
	for _, d := range w.f.Definitions {
		var names []string
		switch d := d.(type) {
		case *thriftidl.Typedef, *thriftidl.Senum:
			names = []string{exportedName(d.Ident())}
		case *thriftidl.Const:
			names = []string{constName(d.Name)}
		case *thriftidl.Enum:
			n := exportedName(d.Name)
			names = []string{n, n + "FromString"}
			for _, v := range d.Values {
				names = append(names, enumValueName(d, v))
			}
		case *thriftidl.Struct:
			n := exportedName(d.Name)
			names = []string{n, "New" + n}
		case *thriftidl.Service:
			sn := namesOf(d)
			names = []string{sn.iface, sn.register, sn.desc, sn.client, sn.newClient}
			for _, fn := range d.Functions {
				names = append(names, methodVar(d, fn), handlerName(d, fn), argsName(d, fn), "New"+argsName(d, fn))
				if !fn.Oneway {
					names = append(names, resultName(d, fn), "New"+resultName(d, fn))
				}
			}
		}
		for _, n := range names {
			if prev, ok := w.pkg.names[n]; ok {
				return &Error{Pos: d.Position(), Msg: "Go name " + n + " of " + d.Ident() + " is taken already, by the definition at " + prev.String()}
			}
			w.pkg.names[n] = d.Position()
		}
	}
	return nil
}
