package thriftidl

import (
	"fmt"
)

// defKind names the kind of a definition in messages.
func defKind(d Definition) string {
	switch d := d.(type) {
	case *Typedef:
		return "typedef"
	case *Const:
		return "const"
	case *Enum:
		return "enum"
	case *Senum:
		return "senum"
	case *Struct:
		return d.Kind.String()
	case *Service:
		return "service"
	}
	return "definition"
}

func exceptionOf(t *Type) *Struct {
	if s := t.Struct(); s != nil && s.Kind == KindException {
		return s
	}
	return nil
}

type fieldRole int

const (
	roleField fieldRole = iota
	roleArg
	roleThrows
)

// fields checks a field list: unique ids and names, types, defaults.
func (r *resolver) fields(f *File, fields []*Field, owner string, role fieldRole) {
	ids := make(map[int]*Field)
	names := make(map[string]*Field)
	for _, fd := range fields {
		if prev, dup := ids[fd.ID]; dup {
			r.errorf(fd.Pos, "duplicate field id %d in %s; first used by %q at %s", fd.ID, owner, prev.Name, prev.Pos)
		} else {
			ids[fd.ID] = fd
		}
		if prev, dup := names[fd.Name]; dup {
			r.errorf(fd.Pos, "duplicate field name %q in %s; first at %s", fd.Name, owner, prev.Pos)
		} else {
			names[fd.Name] = fd
		}
		switch role {
		case roleThrows:
			u := fd.Type.Underlying()
			unresolved := u.Kind == NamedType && u.Ref == nil // already reported
			if exceptionOf(fd.Type) == nil && !unresolved {
				r.errorf(fd.Type.Pos, "throws field %q has type %s, which is not an exception", fd.Name, fd.Type)
			}
		}
		if fd.Default != nil {
			r.valueFor(f, fd.Default, fd.Type)
		}
		if len(fd.XsdAttrs) > 0 {
			r.fields(f, fd.XsdAttrs, fmt.Sprintf("xsd_attrs of %q", fd.Name), roleField)
		}
	}
}

func (r *resolver) structDef(f *File, s *Struct) {
	r.fields(f, s.Fields, fmt.Sprintf("%s %q", s.Kind, s.Name), roleField)
	if s.Kind == KindUnion {
		var first *Field
		for _, fd := range s.Fields {
			if fd.Default == nil {
				continue
			}
			if first != nil {
				r.errorf(fd.Pos, "union %q has a second field with a default value; first is %q", s.Name, first.Name)
				break
			}
			first = fd
		}
	}
}

// extends resolves what a service extends.
func (r *resolver) extends(f *File, s *Service) {
	if s.Extends == "" {
		return
	}
	d, _ := lookupType(f, s.Extends)
	switch base, ok := d.(*Service); {
	case d == nil:
		r.errorf(s.ExtendsPos, "%s", unknown(f, "service", s.Extends))
	case !ok:
		r.errorf(s.ExtendsPos, "service %q extends %q, which is a %s, not a service", s.Name, s.Extends, defKind(d))
	default:
		s.ExtendsRef = base
	}
}

func (r *resolver) service(f *File, s *Service) {
	names := make(map[string]*Function)
	for _, fn := range s.Functions {
		if prev, dup := names[fn.Name]; dup {
			r.errorf(fn.Pos, "duplicate function %q in service %q; first at %s", fn.Name, s.Name, prev.Pos)
		} else {
			names[fn.Name] = fn
		}
	}
	// Chains longer than maxDepth are reported; checking that far is enough.
	for b, n := s.ExtendsRef, 0; b != nil && b != s && n < maxDepth; b, n = b.ExtendsRef, n+1 {
		for _, bf := range b.Functions {
			if fn, ok := names[bf.Name]; ok {
				r.errorf(fn.Pos, "function %q of service %q is already defined in the service %q it extends", fn.Name, s.Name, b.Name)
			}
		}
	}
	for _, fn := range s.Functions {
		if fn.Oneway && fn.Result != nil {
			r.errorf(fn.Pos, "oneway function %q must return void", fn.Name)
		}
		if fn.Oneway && len(fn.Throws) > 0 {
			r.errorf(fn.Throws[0].Pos, "oneway function %q cannot throw exceptions", fn.Name)
		}
		r.fields(f, fn.Args, fmt.Sprintf("the arguments of %q", fn.Name), roleArg)
		r.fields(f, fn.Throws, fmt.Sprintf("the throws of %q", fn.Name), roleThrows)
	}
}
