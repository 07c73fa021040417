package thriftidl

import (
	"fmt"
	"strconv"
	"strings"
)

// resolver resolves the names of loaded files, in an order where every
// file comes after the files it includes, and checks what Apache checks.
type resolver struct {
	errs   *errorSink
	fileOf map[Definition]*File
	consts map[*Const]constState
	stack  []*Const // consts being resolved, for cycle messages
	fits   map[fitKey]string
	// unresolved holds why an identifier value was not found; check
	// reports it unless the expected enum type resolves it.
	unresolved map[*ConstValue]string
	typedefLen map[*Typedef]int
	extendsLen map[*Service]int
}

type constState int

const (
	constNew constState = iota
	constVisiting
	constDone
	constBad // part of a cycle, already reported
)

type fitKey struct {
	c *Const
	t *Type
}

func newResolver(errs *errorSink, files []*File) *resolver {
	r := &resolver{
		errs:   errs,
		fileOf: make(map[Definition]*File),
		consts: make(map[*Const]constState),
		fits:   make(map[fitKey]string),

		unresolved: make(map[*ConstValue]string),
		typedefLen: make(map[*Typedef]int),
		extendsLen: make(map[*Service]int),
	}
	for _, f := range files {
		for _, d := range f.Definitions {
			r.fileOf[d] = f
		}
	}
	return r
}

func (r *resolver) errorf(pos Pos, format string, args ...any) {
	r.errs.resolve(pos, fmt.Sprintf(format, args...))
}

// file resolves and checks one file, whose includes are already done.
func (r *resolver) file(f *File) {
	r.duplicates(f)
	r.includes(f)
	for _, d := range f.Definitions {
		r.resolveTypes(f, d)
	}
	for _, s := range f.Services {
		r.extends(f, s)
	}
	r.extendsChains(f)
	r.typedefChains(f)
	for _, d := range f.Definitions {
		if r.errs.full {
			return
		}
		switch d := d.(type) {
		case *Const:
			r.constDone(d)
		case *Enum:
			r.enumValues(d)
		case *Struct:
			r.structDef(f, d)
		case *Service:
			r.service(f, d)
		}
	}
}

func (r *resolver) duplicates(f *File) {
	types := make(map[string]Definition)
	consts := make(map[string]Definition)
	for _, d := range f.Definitions {
		seen := types
		if _, ok := d.(*Const); ok {
			seen = consts
		}
		if prev, dup := seen[d.Ident()]; dup {
			r.errorf(d.Position(), "%s redefined; first defined at %s", strconv.Quote(d.Ident()), prev.Position())
			continue
		}
		seen[d.Ident()] = d
	}
}

func (r *resolver) includes(f *File) {
	seen := make(map[string]*Include)
	for _, inc := range f.Includes {
		prev, dup := seen[inc.Name]
		if dup && prev.File != inc.File {
			r.errorf(inc.Pos, "include %q has the same name %q as include %q", inc.Path, inc.Name, prev.Path)
		}
		seen[inc.Name] = inc
	}
}

// lookupType finds a type or service named name, either of f or, with an
// include's name as prefix, of an included file.
func lookupType(f *File, name string) (Definition, *File) {
	if !strings.Contains(name, ".") {
		return f.types[name], f
	}
	for _, inc := range f.Includes {
		if rest, ok := strings.CutPrefix(name, inc.Name+"."); ok && inc.File != nil && !strings.Contains(rest, ".") {
			if d := inc.File.types[rest]; d != nil {
				return d, inc.File
			}
		}
	}
	return nil, nil
}

// unknown explains why a dotted name was not found.
func unknown(f *File, what, name string) string {
	msg := fmt.Sprintf("unknown %s %q", what, name)
	if !strings.Contains(name, ".") {
		return msg
	}
	for _, inc := range f.Includes {
		if strings.HasPrefix(name, inc.Name+".") {
			return msg
		}
	}
	prefix := name[:strings.IndexByte(name, '.')]
	if _, ok := f.types[prefix].(*Enum); ok && what != "type" {
		return msg
	}
	return fmt.Sprintf("%s: no include named %q", msg, prefix)
}

func (r *resolver) resolveTypes(f *File, d Definition) {
	switch d := d.(type) {
	case *Typedef:
		r.resolveType(f, d.Type)
	case *Const:
		r.resolveType(f, d.Type)
	case *Struct:
		r.resolveFields(f, d.Fields)
	case *Service:
		for _, fn := range d.Functions {
			if fn.Result != nil {
				r.resolveType(f, fn.Result)
			}
			r.resolveFields(f, fn.Args)
			r.resolveFields(f, fn.Throws)
		}
	}
}

func (r *resolver) resolveFields(f *File, fields []*Field) {
	for _, fd := range fields {
		r.resolveType(f, fd.Type)
		r.resolveFields(f, fd.XsdAttrs)
	}
}

func (r *resolver) resolveType(f *File, t *Type) {
	switch t.Kind {
	case ListType, SetType:
		r.resolveType(f, t.Elem)
	case MapType:
		r.resolveType(f, t.Key)
		r.resolveType(f, t.Value)
	case NamedType:
		d, df := lookupType(f, t.Name)
		switch {
		case d == nil:
			if _, ok := f.consts[t.Name]; ok {
				r.errorf(t.Pos, "%q is a const, not a type", t.Name)
			} else {
				r.errorf(t.Pos, "%s", unknown(f, "type", t.Name))
			}
		case isService(d):
			r.errorf(t.Pos, "%q is a service, not a type", t.Name)
		default:
			t.Ref, t.RefFile = d, df
		}
	}
}

func isService(d Definition) bool { _, ok := d.(*Service); return ok }

// chains walks the chains of typedefs, or of services extending services,
// that start in one file, in linear time over all files. It reports each
// cycle once, at the member the walk enters it by, cuts it so that later
// walks end, and reports a chain longer than maxDepth at the member where it
// grows too long. next returns what a member refers to, or nil; cut breaks
// the link from a member.
func chains[T comparable](r *resolver, members []T, st map[T]int, next func(T) (T, bool),
	cut func(T), name func(T) string, pos func(T) Pos, what string,
) {
	const onPath = -1 // st holds onPath or the length of the chain from a member
	for _, m := range members {
		var path []T
		cur, ok := m, true
		for ok && st[cur] == 0 {
			st[cur] = onPath
			path = append(path, cur)
			cur, ok = next(cur)
		}
		length := 0
		if ok && st[cur] == onPath {
			i := 0
			for path[i] != cur {
				i++
			}
			names := make([]string, 0, len(path)-i+1)
			for _, c := range path[i:] {
				names = append(names, name(c))
			}
			r.errorf(pos(cur), "%s cycle: %s -> %s", what, strings.Join(names, " -> "), name(cur))
			cut(path[len(path)-1])
		} else if ok {
			length = st[cur]
		}
		for j := len(path) - 1; j >= 0; j-- {
			length++
			st[path[j]] = length
			if length == maxDepth+1 {
				r.errorf(pos(path[j]), "%s chain of %s is longer than %d", what, name(path[j]), maxDepth)
			}
		}
	}
}

func (r *resolver) typedefChains(f *File) {
	chains(r, f.Typedefs, r.typedefLen,
		func(td *Typedef) (*Typedef, bool) {
			if td.Type.Kind != NamedType {
				return nil, false
			}
			next, ok := td.Type.Ref.(*Typedef)
			return next, ok
		},
		func(td *Typedef) { td.Type.Ref = nil }, // so Underlying stops
		func(td *Typedef) string { return td.Name },
		func(td *Typedef) Pos { return td.Pos }, "typedef")
}

func (r *resolver) extendsChains(f *File) {
	chains(r, f.Services, r.extendsLen,
		func(s *Service) (*Service, bool) { return s.ExtendsRef, s.ExtendsRef != nil },
		func(s *Service) { s.ExtendsRef = nil },
		func(s *Service) string { return s.Name },
		func(s *Service) Pos { return s.ExtendsPos }, "service inheritance")
}

func (r *resolver) enumValues(e *Enum) {
	seen := make(map[string]*EnumValue)
	for _, v := range e.Values {
		if prev, dup := seen[v.Name]; dup {
			r.errorf(v.Pos, "duplicate value %q in enum %q; first at %s", v.Name, e.Name, prev.Pos)
			continue
		}
		seen[v.Name] = v
	}
}
