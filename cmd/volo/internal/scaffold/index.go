package scaffold

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path"
	"strconv"
	"strings"

	"github.com/govolo/volo/pilota/gen"
)

// ErrScaffold matches every error of [Write]: generated code the scaffold
// does not understand (a service whose description or constructors it
// cannot find, a type it cannot write).
var ErrScaffold = errors.New("scaffold: cannot write the programs")

// thriftPkg is the runtime package whose ServiceDesc generated code fills.
const thriftPkg = "github.com/govolo/volo/volo/thrift"

// pkg is a generated Go package.
type pkg struct {
	path  string // import path
	name  string // package clause
	types map[string]*typeDecl
	funcs map[string]bool
}

// typeDecl is a type declared in a generated file.
type typeDecl struct {
	name string
	spec *ast.TypeSpec
	file *file
}

// file is a parsed generated file.
type file struct {
	pkg     *pkg
	ast     *ast.File
	header  string            // the first line
	imports map[string]string // name used in the file -> import path
}

// index holds every generated package, parsed.
type index struct {
	pkgs  map[string]*pkg
	files []*file
}

func newIndex(files []gen.File) (*index, error) {
	ix := &index{pkgs: make(map[string]*pkg)}
	fset := token.NewFileSet()
	for _, gf := range files {
		af, err := parser.ParseFile(fset, gf.Path, gf.Content, parser.SkipObjectResolution)
		if err != nil {
			return nil, fmt.Errorf("%w: parsing %s: %v", ErrScaffold, gf.Path, err)
		}
		p := ix.pkgs[gf.Package]
		if p == nil {
			p = &pkg{path: gf.Package, name: af.Name.Name, types: make(map[string]*typeDecl), funcs: make(map[string]bool)}
			ix.pkgs[gf.Package] = p
		}
		header, _, _ := bytes.Cut(gf.Content, []byte("\n"))
		f := &file{pkg: p, ast: af, header: string(header), imports: make(map[string]string)}
		ix.files = append(ix.files, f)
		for _, d := range af.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					p.funcs[d.Name.Name] = true
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					if ts, ok := s.(*ast.TypeSpec); ok {
						p.types[ts.Name.Name] = &typeDecl{name: ts.Name.Name, spec: ts, file: f}
					}
				}
			}
		}
	}
	// Import names need every package's clause, so they come second.
	for _, f := range ix.files {
		for _, is := range f.ast.Imports {
			ip, err := strconv.Unquote(is.Path.Value)
			if err != nil {
				continue
			}
			name := path.Base(ip)
			if p, ok := ix.pkgs[ip]; ok {
				name = p.name
			}
			if is.Name != nil {
				name = is.Name.Name
			}
			f.imports[name] = ip
		}
	}
	return ix, nil
}

// service is a service of the main IDL as generated.
type service struct {
	idlName  string
	iface    *typeDecl
	register string // name of its Register function
	newCli   string // name of its client constructor
	methods  []*method
}

// method is a method of a handler interface, inherited ones included.
type method struct {
	name    string
	file    *file // where its types are written
	params  []*ast.Field
	results []*ast.Field
}

// findService finds the handler interface of the IDL service name: the
// HandlerType of the ServiceDesc that carries that name, preferring the
// files generated from idlFile (the base name of the main IDL).
func (ix *index) findService(idlFile, name string) (*service, error) {
	var found []*typeDecl
	for pass := 0; pass < 2 && len(found) == 0; pass++ {
		for _, f := range ix.files {
			if pass == 0 && !strings.Contains(f.header, " from "+idlFile+".") {
				continue
			}
			if td := f.serviceDesc(name); td != nil {
				found = append(found, td)
			}
		}
	}
	switch {
	case len(found) == 0:
		return nil, fmt.Errorf("%w: no service description of %s in the generated code", ErrScaffold, name)
	case len(found) > 1:
		return nil, fmt.Errorf("%w: service %s is described in %d generated packages", ErrScaffold, name, len(found))
	}
	td := found[0]
	s := &service{idlName: name, iface: td, register: "Register" + td.name, newCli: "New" + td.name + "Client"}
	for _, fn := range []string{s.register, s.newCli} {
		if !td.file.pkg.funcs[fn] {
			return nil, fmt.Errorf("%w: %s.%s of service %s not found", ErrScaffold, td.file.pkg.path, fn, name)
		}
	}
	ms, err := ix.methods(td, 0)
	if err != nil {
		return nil, err
	}
	s.methods = ms
	return s, nil
}

// serviceDesc returns the interface named by the HandlerType of a
// ServiceDesc of f whose Name is name, or nil.
func (f *file) serviceDesc(name string) *typeDecl {
	for _, d := range f.ast.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			continue
		}
		for _, s := range gd.Specs {
			vs := s.(*ast.ValueSpec)
			for _, v := range vs.Values {
				if td := f.descOf(v, name); td != nil {
					return td
				}
			}
		}
	}
	return nil
}

func (f *file) descOf(v ast.Expr, name string) *typeDecl {
	u, ok := v.(*ast.UnaryExpr)
	if !ok || u.Op != token.AND {
		return nil
	}
	cl, ok := u.X.(*ast.CompositeLit)
	if !ok {
		return nil
	}
	sel, ok := cl.Type.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "ServiceDesc" {
		return nil
	}
	if x, ok := sel.X.(*ast.Ident); !ok || f.imports[x.Name] != thriftPkg {
		return nil
	}
	var descName, iface string
	for _, e := range cl.Elts {
		kv, ok := e.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		switch key, _ := kv.Key.(*ast.Ident); {
		case key == nil:
		case key.Name == "Name":
			if lit, ok := kv.Value.(*ast.BasicLit); ok {
				descName, _ = strconv.Unquote(lit.Value)
			}
		case key.Name == "HandlerType":
			// (*Iface)(nil)
			if call, ok := kv.Value.(*ast.CallExpr); ok {
				if par, ok := call.Fun.(*ast.ParenExpr); ok {
					if star, ok := par.X.(*ast.StarExpr); ok {
						if id, ok := star.X.(*ast.Ident); ok {
							iface = id.Name
						}
					}
				}
			}
		}
	}
	if descName != name || iface == "" {
		return nil
	}
	td := f.pkg.types[iface]
	if td == nil {
		return nil
	}
	if _, ok := td.spec.Type.(*ast.InterfaceType); !ok {
		return nil
	}
	return td
}

// methods lists the methods of an interface, those of embedded interfaces
// first, as the generator lists inherited methods first.
func (ix *index) methods(td *typeDecl, depth int) ([]*method, error) {
	if depth > 100 {
		return nil, fmt.Errorf("%w: interfaces embedded too deep at %s", ErrScaffold, td.name)
	}
	it := td.spec.Type.(*ast.InterfaceType)
	var out []*method
	seen := make(map[string]bool)
	add := func(m *method) {
		if !seen[m.name] {
			seen[m.name] = true
			out = append(out, m)
		}
	}
	for _, fld := range it.Methods.List {
		if len(fld.Names) == 0 {
			emb := ix.lookup(td.file, fld.Type)
			if emb == nil {
				return nil, fmt.Errorf("%w: embedded interface of %s not found", ErrScaffold, td.name)
			}
			if _, ok := emb.spec.Type.(*ast.InterfaceType); !ok {
				return nil, fmt.Errorf("%w: %s embeds %s, which is not an interface", ErrScaffold, td.name, emb.name)
			}
			inherited, err := ix.methods(emb, depth+1)
			if err != nil {
				return nil, err
			}
			for _, m := range inherited {
				add(m)
			}
		}
	}
	for _, fld := range it.Methods.List {
		ft, ok := fld.Type.(*ast.FuncType)
		if !ok || len(fld.Names) == 0 {
			continue
		}
		m := &method{name: fld.Names[0].Name, file: td.file, params: ft.Params.List}
		if ft.Results != nil {
			m.results = ft.Results.List
		}
		add(m)
	}
	return out, nil
}

// lookup returns the generated type a type name of f refers to, or nil.
func (ix *index) lookup(f *file, e ast.Expr) *typeDecl {
	switch e := e.(type) {
	case *ast.Ident:
		return f.pkg.types[e.Name]
	case *ast.SelectorExpr:
		x, ok := e.X.(*ast.Ident)
		if !ok {
			return nil
		}
		if p := ix.pkgs[f.imports[x.Name]]; p != nil {
			return p.types[e.Sel.Name]
		}
	}
	return nil
}

// resolve follows aliases from the type e of f to a defined type, which
// it returns, or to a type that is not a generated name, which it returns
// with its file.
func (ix *index) resolve(f *file, e ast.Expr) (*typeDecl, ast.Expr, *file) {
	for range 100 {
		td := ix.lookup(f, e)
		if td == nil {
			return nil, e, f
		}
		if !td.spec.Assign.IsValid() {
			return td, e, f
		}
		e, f = td.spec.Type, td.file
	}
	return nil, e, f
}
