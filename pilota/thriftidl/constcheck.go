package thriftidl

import (
	"fmt"
	"strings"
)

// maxConstRefs bounds chains of consts that refer to consts, and the
// nesting of values checked through such references.
const maxConstRefs = 1000

// constDone resolves the names in c's value and checks the value against
// c's type, once; it reports whether c is usable.
func (r *resolver) constDone(c *Const) bool {
	switch r.consts[c] {
	case constDone:
		return true
	case constBad:
		return false
	case constVisiting:
		i := len(r.stack) - 1
		for i > 0 && r.stack[i] != c {
			i--
		}
		names := make([]string, 0, len(r.stack)-i+1)
		for _, m := range r.stack[i:] {
			names = append(names, m.Name)
			r.consts[m] = constBad
		}
		r.errorf(c.Pos, "const cycle: %s -> %s", strings.Join(names, " -> "), c.Name)
		return false
	}
	if len(r.stack) >= maxConstRefs {
		r.errorf(c.Pos, "consts refer to consts more than %d deep", maxConstRefs)
		r.consts[c] = constBad
		return false
	}
	r.consts[c] = constVisiting
	r.stack = append(r.stack, c)
	f := r.fileOf[c]
	ok := r.resolveValue(f, c.Value)
	r.stack = r.stack[:len(r.stack)-1]
	if r.consts[c] == constBad {
		return false
	}
	if ok {
		if pos, msg := r.check(c.Value, c.Type, true, 0); msg != "" {
			r.errorf(pos, "%s", msg)
		}
	}
	r.consts[c] = constDone
	return true
}

// valueFor resolves and checks a field's default value.
func (r *resolver) valueFor(f *File, v *ConstValue, t *Type) {
	if !r.resolveValue(f, v) {
		return
	}
	if pos, msg := r.check(v, t, true, 0); msg != "" {
		r.errorf(pos, "%s", msg)
	}
}

// resolveValue resolves every identifier in v, found in file f.
func (r *resolver) resolveValue(f *File, v *ConstValue) bool {
	ok := true
	switch v.Kind {
	case ListValue:
		for _, e := range v.List {
			ok = r.resolveValue(f, e) && ok
		}
	case MapValue:
		for _, e := range v.Map {
			ok = r.resolveValue(f, e.Key) && ok
			ok = r.resolveValue(f, e.Value) && ok
		}
	case IdentValue:
		c, ev, df, msg := lookupValue(f, v.Ident)
		if msg != "" {
			r.unresolved[v] = msg
			return true
		}
		v.RefConst, v.RefEnumValue, v.RefFile = c, ev, df
		if c != nil {
			return r.constDone(c)
		}
	}
	return ok
}

// lookupValue finds the const or enum value a name in f refers to:
// "C", "Enum.V", "inc.C" or "inc.Enum.V".
func lookupValue(f *File, name string) (*Const, *EnumValue, *File, string) {
	if !strings.Contains(name, ".") {
		if c := f.consts[name]; c != nil {
			return c, nil, f, ""
		}
		return nil, nil, nil, unknown(f, "const", name)
	}
	enumValue := func(in *File, name string) (*EnumValue, string, bool) {
		i := strings.LastIndexByte(name, '.')
		if i < 0 || strings.Contains(name[:i], ".") {
			return nil, "", false
		}
		e, ok := in.types[name[:i]].(*Enum)
		if !ok {
			return nil, "", false
		}
		if v := e.Value(name[i+1:]); v != nil {
			return v, "", true
		}
		return nil, fmt.Sprintf("enum %q has no value %q", e.Name, name[i+1:]), true
	}
	if v, msg, ok := enumValue(f, name); ok {
		return nil, v, f, msg
	}
	for _, inc := range f.Includes {
		rest, ok := strings.CutPrefix(name, inc.Name+".")
		if !ok || inc.File == nil {
			continue
		}
		if !strings.Contains(rest, ".") {
			if c := inc.File.consts[rest]; c != nil {
				return c, nil, inc.File, ""
			}
			continue
		}
		if v, msg, ok := enumValue(inc.File, rest); ok {
			return nil, v, inc.File, msg
		}
	}
	return nil, nil, nil, unknown(f, "const", name)
}

func intRange(k TypeKind) (lo, hi int64) {
	switch k {
	case I8Type:
		return -1 << 7, 1<<7 - 1
	case I16Type:
		return -1 << 15, 1<<15 - 1
	case I32Type:
		return -1 << 31, 1<<31 - 1
	}
	return -1 << 63, 1<<63 - 1
}

func isInt(k TypeKind) bool { return k >= I8Type && k <= I64Type }

// check reports the first part of v that does not fit t, with its
// position, or "". own is false when v is the value of another const that
// is checked for a reference to it; then v is not annotated.
func (r *resolver) check(v *ConstValue, t *Type, own bool, depth int) (Pos, string) {
	if depth > maxConstRefs {
		return v.Pos, "const value nested too deeply"
	}
	u := t.Underlying()
	if u == nil || u.Kind == NamedType && u.Ref == nil {
		return Pos{}, "" // unresolved, already reported
	}
	if v.Kind == IdentValue {
		return r.checkRef(v, t, u, own, depth)
	}
	mismatch := func() (Pos, string) {
		return v.Pos, fmt.Sprintf("cannot use %s as %s", v.describe(), t)
	}
	switch u.Kind {
	case BoolType:
		if v.Kind == BoolValue || v.Kind == IntValue && (v.Int == 0 || v.Int == 1) {
			return Pos{}, ""
		}
	case I8Type, I16Type, I32Type, I64Type:
		if v.Kind == IntValue || v.Kind == BoolValue {
			if lo, hi := intRange(u.Kind); v.Int < lo || v.Int > hi {
				return v.Pos, fmt.Sprintf("%s is out of range for %s", v.describe(), u.Kind)
			}
			return Pos{}, ""
		}
	case DoubleType:
		if v.Kind == IntValue || v.Kind == DoubleValue {
			return Pos{}, ""
		}
	case StringType, BinaryType:
		if v.Kind == StringValue {
			return Pos{}, ""
		}
	case UUIDType:
		if v.Kind == StringValue {
			if !validUUID(v.Text) {
				return v.Pos, fmt.Sprintf("invalid uuid %q", v.Text)
			}
			return Pos{}, ""
		}
	case ListType, SetType:
		if v.Kind == MapValue && len(v.Map) == 0 {
			return Pos{}, "" // Apache's own tests write {} for an empty set
		}
		if v.Kind == ListValue {
			for _, e := range v.List {
				if pos, msg := r.check(e, u.Elem, own, depth+1); msg != "" {
					return pos, msg
				}
			}
			return Pos{}, ""
		}
	case MapType:
		if v.Kind == ListValue && len(v.List) == 0 {
			return Pos{}, ""
		}
		if v.Kind == MapValue {
			for _, e := range v.Map {
				if pos, msg := r.check(e.Key, u.Key, own, depth+1); msg != "" {
					return pos, msg
				}
				if pos, msg := r.check(e.Value, u.Value, own, depth+1); msg != "" {
					return pos, msg
				}
			}
			return Pos{}, ""
		}
	case NamedType:
		switch d := u.Ref.(type) {
		case *Enum:
			if v.Kind == IntValue {
				for _, ev := range d.Values {
					if ev.Value == v.Int {
						if own {
							v.RefEnumValue, v.RefFile = ev, r.fileOf[d]
						}
						return Pos{}, ""
					}
				}
				return v.Pos, fmt.Sprintf("no value of enum %q equals %s", d.Name, v.Raw)
			}
		case *Senum:
			if v.Kind == StringValue {
				return Pos{}, ""
			}
		case *Struct:
			if v.Kind == MapValue {
				return r.checkStruct(v, d, own, depth)
			}
		}
	}
	return mismatch()
}

func (r *resolver) checkStruct(v *ConstValue, s *Struct, own bool, depth int) (Pos, string) {
	for _, e := range v.Map {
		if e.Key.Kind != StringValue {
			return e.Key.Pos, fmt.Sprintf("cannot use %s as a field name of %s %q", e.Key.describe(), s.Kind, s.Name)
		}
		fd := s.Field(e.Key.Text)
		if fd == nil {
			return e.Key.Pos, fmt.Sprintf("%s %q has no field %q", s.Kind, s.Name, e.Key.Text)
		}
		if pos, msg := r.check(e.Value, fd.Type, own, depth+1); msg != "" {
			return pos, msg
		}
	}
	return Pos{}, ""
}

// checkRef checks a reference to an enum value or a const against t, whose
// underlying type is u.
func (r *resolver) checkRef(v *ConstValue, t, u *Type, own bool, depth int) (Pos, string) {
	if msg, ok := r.unresolved[v]; ok {
		if !own {
			return Pos{}, "" // reported with the const it belongs to
		}
		delete(r.unresolved, v)
		// Apache looks an enum value up by the part after the dot only, in
		// the declared enum, whatever the prefix says.
		if e, ok := u.Ref.(*Enum); ok && strings.Contains(v.Ident, ".") {
			if ev := e.Value(v.Ident[strings.LastIndexByte(v.Ident, '.')+1:]); ev != nil {
				v.RefEnumValue, v.RefFile = ev, r.fileOf[e]
				return Pos{}, ""
			}
		}
		return v.Pos, msg
	}
	if ev := v.RefEnumValue; ev != nil {
		e, isEnum := u.Ref.(*Enum)
		switch {
		case isInt(u.Kind):
			if lo, hi := intRange(u.Kind); ev.Value < lo || ev.Value > hi {
				return v.Pos, fmt.Sprintf("%s (%d) is out of range for %s", v.Ident, ev.Value, u.Kind)
			}
		case u.Kind == DoubleType:
		case isEnum && e == ev.Enum:
		case isEnum:
			return v.Pos, fmt.Sprintf("%s is not a value of enum %q", v.Ident, e.Name)
		default:
			return v.Pos, fmt.Sprintf("cannot use enum value %s as %s", v.Ident, t)
		}
		return Pos{}, ""
	}
	c := v.RefConst
	if c == nil || r.consts[c] == constBad {
		return Pos{}, "" // unresolved or cyclic, already reported
	}
	if identical(c.Type, t, 0) {
		return Pos{}, "" // c's value was checked against its own type
	}
	key := fitKey{c, t}
	if msg, seen := r.fits[key]; seen {
		return v.Pos, msg
	}
	r.fits[key] = "" // assumed to fit while it is checked, which ends cycles
	msg := ""
	if _, inner := r.check(c.Value, t, false, depth+1); inner != "" {
		msg = fmt.Sprintf("cannot use %s as %s: %s", v.Ident, t, inner)
	}
	r.fits[key] = msg
	return v.Pos, msg
}

// validUUID accepts the canonical 8-4-4-4-12 hex form, optionally in
// braces, as Apache does.
func validUUID(s string) bool {
	if len(s) == 38 && s[0] == '{' && s[37] == '}' {
		s = s[1:37]
	}
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch i {
		case 8, 13, 18, 23:
			if s[i] != '-' {
				return false
			}
		default:
			if !isHex(s[i]) {
				return false
			}
		}
	}
	return true
}

// identical reports whether a and b are the same type after typedefs. It
// answers false when unsure, past maxDepth, so the caller checks values.
func identical(a, b *Type, depth int) bool {
	a, b = a.Underlying(), b.Underlying()
	if a == nil || b == nil || a.Kind != b.Kind || depth > maxDepth {
		return false
	}
	switch a.Kind {
	case ListType, SetType:
		return identical(a.Elem, b.Elem, depth+1)
	case MapType:
		return identical(a.Key, b.Key, depth+1) && identical(a.Value, b.Value, depth+1)
	case NamedType:
		return a.Ref != nil && a.Ref == b.Ref
	}
	return true
}
