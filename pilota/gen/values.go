package gen

import (
	"strconv"
	"strings"

	"github.com/govolo/volo/pilota/thriftidl"
)

// writeTypedef writes a typedef as a Go alias, so that the typedef and
// its type are the same Go type.
func (w *writer) writeTypedef(td *thriftidl.Typedef) {
	name := exportedName(td.Name)
	w.doc(td.Doc, name+" is typedef "+td.Name+" of "+baseName(w.f.Path)+": "+td.Type.String()+".")
	target := w.goType(td.Type)
	if kindOf(td.Type) == kStruct {
		// The alias names the struct, not the pointer fields hold.
		target = strings.TrimPrefix(target, "*")
	}
	w.p("type %s = %s", name, target)
	w.p("")
}

// writeSenum writes a deprecated string enum as a string alias and its
// values as constants.
func (w *writer) writeSenum(s *thriftidl.Senum) {
	name := exportedName(s.Name)
	w.doc(s.Doc, name+" is senum "+s.Name+" of "+baseName(w.f.Path)+", a string.")
	w.p("type %s = string", name)
	w.p("")
}

// enumValueName is the Go name of an enum value, as thriftgo writes it:
// Enum_VALUE.
func enumValueName(e *thriftidl.Enum, v *thriftidl.EnumValue) string {
	return exportedName(e.Name) + "_" + sanitize(v.Name)
}

func (w *writer) writeEnum(e *thriftidl.Enum) {
	name := exportedName(e.Name)
	w.doc(e.Doc, name+" is enum "+e.Name+" of "+baseName(w.f.Path)+".")
	w.p("type %s int32", name)
	w.p("")
	if len(e.Values) > 0 {
		w.comment("The values of " + name + ".")
		w.p("const (")
		for _, v := range e.Values {
			if v.Doc != "" {
				writeDoc(&w.buf, v.Doc)
			}
			w.p("%s %s = %d", enumValueName(e, v), name, v.Value)
		}
		w.p(")")
		w.p("")
	}
	w.comment("String returns the name of v as the IDL spells it, or \"" + name + "(<n>)\" for a number that is not a value.")
	w.p("func (v %s) String() string {", name)
	if len(e.Values) > 0 {
		w.p("switch v {")
		seen := make(map[int64]bool)
		for _, v := range e.Values {
			if seen[v.Value] {
				// Two names for one number: the first is the name.
				continue
			}
			seen[v.Value] = true
			w.p("case %s:", enumValueName(e, v))
			w.p("return %q", v.Name)
		}
		w.p("}")
	}
	w.p(`return "%s(" + %s(int64(v), 10) + ")"`, name, w.use("strconv")+".FormatInt")
	w.p("}")
	w.p("")
	w.comment(name + "FromString returns the value named s, as the IDL spells it. It fails with an error matching thrift.ErrEnumName for any other string.")
	w.p("func %sFromString(s string) (%s, error) {", name, name)
	if len(e.Values) > 0 {
		w.p("switch s {")
		for _, v := range e.Values {
			w.p("case %q:", v.Name)
			w.p("return %s, nil", enumValueName(e, v))
		}
		w.p("}")
	}
	w.p("return 0, %s(%q, s)", w.rt("EnumNameError"), e.Name)
	w.p("}")
	w.p("")
	w.comment("MarshalText returns the name of v, so that encoding/json writes names.")
	w.p("func (v %s) MarshalText() ([]byte, error) { return []byte(v.String()), nil }", name)
	w.p("")
	w.comment("UnmarshalText sets v to the value named by text, or to the number it spells.")
	w.p("func (v *%s) UnmarshalText(text []byte) error {", name)
	w.p("if x, err := %sFromString(string(text)); err == nil {", name)
	w.p("*v = x")
	w.p("return nil")
	w.p("}")
	w.p("n, err := %s(string(text), 10, 32)", w.use("strconv")+".ParseInt")
	w.p("if err != nil {")
	w.p("return %s(%q, string(text))", w.rt("EnumNameError"), e.Name)
	w.p("}")
	w.p("*v = %s(n)", name)
	w.p("return nil")
	w.p("}")
	w.p("")
}

// writeConst writes a const: a Go constant for scalars and strings, a
// variable for the rest.
func (w *writer) writeConst(c *thriftidl.Const) {
	name := constName(c.Name)
	w.doc(c.Doc, name+" is const "+c.Name+" of "+baseName(w.f.Path)+".")
	v := w.constExpr(c.Type, c.Value)
	switch kindOf(c.Type) {
	case kBool, kI8, kI16, kI32, kI64, kDouble, kString, kSenum, kEnum:
		w.p("const %s %s = %s", name, w.goType(c.Type), v)
	default:
		w.p("var %s = %s", name, v)
	}
	w.p("")
}

// constExpr returns a Go expression of t's Go type for the IDL value v.
func (w *writer) constExpr(t *thriftidl.Type, v *thriftidl.ConstValue) string {
	if v.Kind == thriftidl.IdentValue && v.RefEnumValue != nil {
		return w.enumValueExpr(v)
	}
	if v.RefEnumValue != nil && kindOf(t) == kEnum {
		return w.enumValueExpr(v)
	}
	v = v.Resolved()
	if v.Kind == thriftidl.IdentValue && v.RefEnumValue != nil {
		return w.enumValueExpr(v)
	}
	u := t.Underlying()
	switch kindOf(t) {
	case kBool:
		if v.Kind == thriftidl.BoolValue {
			return strconv.FormatBool(v.Bool)
		}
		return strconv.FormatBool(v.Int != 0)
	case kI8, kI16, kI32, kI64:
		return strconv.FormatInt(v.Int, 10)
	case kEnum:
		return w.enumName(t) + "(" + strconv.FormatInt(v.Int, 10) + ")"
	case kDouble:
		if v.Kind == thriftidl.IntValue {
			return strconv.FormatInt(v.Int, 10)
		}
		return formatDouble(v.Double)
	case kString, kSenum:
		return strconv.Quote(v.Text)
	case kBinary:
		return "[]byte(" + strconv.Quote(v.Text) + ")"
	case kUUID:
		return w.uuidExpr(v.Text)
	case kList, kSet:
		var b strings.Builder
		b.WriteString(w.goType(t) + "{")
		for i, e := range v.List {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(w.constExpr(u.Elem, e))
		}
		b.WriteString("}")
		return b.String()
	case kMap:
		var b strings.Builder
		b.WriteString(w.goType(t) + "{")
		for i, e := range v.Map {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(w.keyExpr(u.Key, e.Key) + ": " + w.constExpr(u.Value, e.Value))
		}
		b.WriteString("}")
		return b.String()
	case kStruct:
		s, name, _ := w.structOf(t)
		var b strings.Builder
		b.WriteString("&" + name + "{")
		first := true
		for _, e := range v.Map {
			key := e.Key.Resolved()
			f := s.Field(key.Text)
			if f == nil {
				continue
			}
			if !first {
				b.WriteString(", ")
			}
			first = false
			val := w.constExpr(f.Type, e.Value)
			if fieldOptional(f, s.Kind == thriftidl.KindUnion) && !nilable(f.Type) {
				val = w.rt("Ptr") + "[" + w.goType(f.Type) + "](" + val + ")"
			}
			b.WriteString(fieldName(f.Name) + ": " + val)
		}
		b.WriteString("}")
		return b.String()
	}
	return "nil"
}

// keyExpr is constExpr for a map key, in the key's Go type.
func (w *writer) keyExpr(t *thriftidl.Type, v *thriftidl.ConstValue) string {
	switch kindOf(t) {
	case kBinary:
		return strconv.Quote(v.Resolved().Text)
	case kList, kSet, kMap:
		return "&" + w.constExpr(t, v)
	}
	return w.constExpr(t, v)
}

func (w *writer) enumValueExpr(v *thriftidl.ConstValue) string {
	ev := v.RefEnumValue
	file := v.RefFile
	if file == nil || v.Kind != thriftidl.IdentValue {
		// An integer that equals a value: the value is in the enum's
		// file, which Load records only for references.
		file = w.fileOfEnum(ev.Enum)
	}
	return w.qual(file, enumValueName(ev.Enum, ev))
}

// fileOfEnum finds the file that defines e among the generated files.
func (w *writer) fileOfEnum(e *thriftidl.Enum) *thriftidl.File {
	for f := range w.g.pkgs {
		for _, x := range f.Enums {
			if x == e {
				return f
			}
		}
	}
	return w.f
}

// uuidExpr writes a uuid const ("00112233-4455-...") as a UUID literal.
func (w *writer) uuidExpr(s string) string {
	hex := strings.ReplaceAll(strings.Trim(s, "{}"), "-", "")
	var b strings.Builder
	b.WriteString(w.rt("UUID") + "{")
	for i := 0; i+1 < len(hex) && i < 32; i += 2 {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("0x" + hex[i:i+2])
	}
	b.WriteString("}")
	return b.String()
}

// formatDouble writes a float64 as a Go literal that reads back the same.
// The IDL front end refuses doubles that are not finite.
func formatDouble(f float64) string {
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eEn") {
		s += ".0"
	}
	return s
}
