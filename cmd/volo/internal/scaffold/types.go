package scaffold

import (
	"fmt"
	"go/ast"
	"go/types"
	"path"
	"reflect"
	"sort"
	"strings"
)

// imports are the imports of one file the scaffold writes: each package
// gets a name no other import, and no identifier the file declares, uses.
type imports struct {
	byPath map[string]string
	taken  map[string]bool
}

func newImports(reserved ...string) *imports {
	im := &imports{byPath: make(map[string]string), taken: make(map[string]bool)}
	for _, r := range reserved {
		im.taken[r] = true
	}
	return im
}

// use imports importPath, preferably as want, and returns its name.
func (im *imports) use(importPath, want string) string {
	if n, ok := im.byPath[importPath]; ok {
		return n
	}
	if want == "" {
		want = path.Base(importPath)
	}
	name := want
	for i := 2; im.taken[name]; i++ {
		name = fmt.Sprintf("%s%d", want, i)
	}
	im.taken[name] = true
	im.byPath[importPath] = name
	return name
}

// std imports a standard package under its own name, which the file
// reserves for it.
func (im *imports) std(importPath string) string { return im.use(importPath, "") }

// block returns the import declaration: standard packages, then others.
func (im *imports) block() string {
	var std, others []string
	for ip := range im.byPath {
		if strings.Contains(strings.SplitN(ip, "/", 2)[0], ".") {
			others = append(others, ip)
		} else {
			std = append(std, ip)
		}
	}
	sort.Strings(std)
	sort.Strings(others)
	var b strings.Builder
	b.WriteString("import (\n")
	line := func(ip string) {
		if n := im.byPath[ip]; n != path.Base(ip) {
			fmt.Fprintf(&b, "\t%s %q\n", n, ip)
		} else {
			fmt.Fprintf(&b, "\t%q\n", ip)
		}
	}
	for _, ip := range std {
		line(ip)
	}
	if len(std) > 0 && len(others) > 0 {
		b.WriteString("\n")
	}
	for _, ip := range others {
		line(ip)
	}
	b.WriteString(")\n")
	return b.String()
}

// writer writes Go types and values of the generated code into one file
// of package main.
type writer struct {
	ix *index
	im *imports
}

// pkgName returns the name the file uses for the package of import path
// ip, importing it.
func (w *writer) pkgName(ip, nameInFile string) string {
	want := nameInFile
	if p, ok := w.ix.pkgs[ip]; ok {
		want = p.name
	}
	return w.im.use(ip, want)
}

// typ writes the type e of generated file f.
func (w *writer) typ(f *file, e ast.Expr) (string, error) {
	switch e := e.(type) {
	case *ast.Ident:
		if _, ok := f.pkg.types[e.Name]; ok {
			return w.pkgName(f.pkg.path, f.pkg.name) + "." + e.Name, nil
		}
		if types.Universe.Lookup(e.Name) != nil {
			return e.Name, nil
		}
	case *ast.SelectorExpr:
		if x, ok := e.X.(*ast.Ident); ok {
			if ip, ok := f.imports[x.Name]; ok {
				return w.pkgName(ip, x.Name) + "." + e.Sel.Name, nil
			}
		}
	case *ast.StarExpr:
		s, err := w.typ(f, e.X)
		return "*" + s, err
	case *ast.ArrayType:
		elem, err := w.typ(f, e.Elt)
		if err != nil {
			return "", err
		}
		if e.Len == nil {
			return "[]" + elem, nil
		}
		if lit, ok := e.Len.(*ast.BasicLit); ok {
			return "[" + lit.Value + "]" + elem, nil
		}
	case *ast.MapType:
		k, err := w.typ(f, e.Key)
		if err != nil {
			return "", err
		}
		v, err := w.typ(f, e.Value)
		return "map[" + k + "]" + v, err
	case *ast.InterfaceType:
		if len(e.Methods.List) == 0 {
			return "any", nil
		}
	case *ast.Ellipsis:
		elem, err := w.typ(f, e.Elt)
		return "..." + elem, err
	}
	return "", fmt.Errorf("%w: cannot write type %T in %s", ErrScaffold, e, f.pkg.path)
}

// value is a valid value of a type: an expression, and the required
// struct fields to set on it after, which a zero value would leave nil.
type value struct {
	expr  string
	fills []fill
}

type fill struct {
	field string
	val   value
}

// lines assigns v to target (declaring it when define) and sets its
// required fields.
func (v value) lines(target string, define bool) []string {
	op := " = "
	if define {
		op = " := "
	}
	out := []string{target + op + v.expr}
	for _, f := range v.fills {
		out = append(out, f.val.lines(target+"."+f.field, false)...)
	}
	return out
}

// zero returns a valid zero value of the type e of generated file f:
// nil for containers and binary, a literal for scalars and enums, and
// for a struct pointer its constructor with the required struct fields
// set.
func (w *writer) zero(f *file, e ast.Expr) (value, error) {
	return w.zeroIn(f, e, make(map[*typeDecl]bool))
}

func (w *writer) zeroIn(f *file, e ast.Expr, building map[*typeDecl]bool) (value, error) {
	switch e := e.(type) {
	case *ast.StarExpr:
		return w.structValue(f, e, building)
	case *ast.ArrayType:
		if e.Len == nil {
			return value{expr: "nil"}, nil
		}
	case *ast.MapType, *ast.InterfaceType, *ast.FuncType, *ast.ChanType:
		return value{expr: "nil"}, nil
	case *ast.Ident:
		if _, ok := f.pkg.types[e.Name]; !ok {
			return value{expr: basicZero(e.Name)}, nil
		}
	}
	td, u, uf := w.ix.resolve(f, e)
	if td == nil {
		if u != e {
			return w.zeroIn(uf, u, building)
		}
		// A type of another package, such as thrift.UUID: a composite
		// literal is its zero value.
		t, err := w.typ(f, e)
		return value{expr: t + "{}"}, err
	}
	switch ut := td.spec.Type.(type) {
	case *ast.Ident:
		if basicZero(ut.Name) != "" && types.Universe.Lookup(ut.Name) != nil {
			// An enum or another named scalar: the untyped literal
			// converts.
			return value{expr: basicZero(ut.Name)}, nil
		}
	case *ast.ArrayType:
		if ut.Len == nil {
			return value{expr: "nil"}, nil
		}
	case *ast.MapType, *ast.InterfaceType:
		return value{expr: "nil"}, nil
	}
	t, err := w.typ(f, e)
	return value{expr: t + "{}"}, err
}

// basicZero returns the zero literal of a predeclared type, or "nil".
func basicZero(name string) string {
	switch name {
	case "bool":
		return "false"
	case "string":
		return `""`
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64",
		"uintptr", "byte", "rune", "float32", "float64", "complex64", "complex128":
		return "0"
	}
	return "nil"
}

// structValue returns a new value of the struct pointer type e: the
// struct's constructor, with its required struct fields set, so that the
// value encodes.
func (w *writer) structValue(f *file, e *ast.StarExpr, building map[*typeDecl]bool) (value, error) {
	td, u, uf := w.ix.resolve(f, e.X)
	if td == nil {
		// Not a generated type: its zero struct.
		t, err := w.typ(uf, u)
		return value{expr: "&" + t + "{}"}, err
	}
	st, ok := td.spec.Type.(*ast.StructType)
	if !ok {
		return value{expr: "nil"}, nil
	}
	q := w.pkgName(td.file.pkg.path, td.file.pkg.name)
	v := value{expr: "&" + q + "." + td.name + "{}"}
	if td.file.pkg.funcs["New"+td.name] {
		v.expr = q + ".New" + td.name + "()"
	}
	if building[td] {
		// A struct that requires itself cannot be built; leave it.
		return v, nil
	}
	building[td] = true
	defer delete(building, td)
	for _, fld := range st.Fields.List {
		star, ok := fld.Type.(*ast.StarExpr)
		if !ok || len(fld.Names) == 0 || !required(fld) {
			continue
		}
		if ftd, _, _ := w.ix.resolve(td.file, star.X); ftd == nil {
			continue
		}
		fv, err := w.structValue(td.file, star, building)
		if err != nil {
			return value{}, err
		}
		v.fills = append(v.fills, fill{field: fld.Names[0].Name, val: fv})
	}
	return v, nil
}

// required reports whether a generated struct field is a required field
// of the IDL: its thrift tag says so.
func required(f *ast.Field) bool {
	if f.Tag == nil {
		return false
	}
	tag := reflect.StructTag(strings.Trim(f.Tag.Value, "`"))
	parts := strings.Split(tag.Get("thrift"), ",")
	for _, p := range parts[min(2, len(parts)):] {
		if p == "required" {
			return true
		}
	}
	return false
}
