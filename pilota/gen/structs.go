package gen

import (
	"strconv"
	"strings"

	"github.com/govolo/volo/pilota/thriftidl"
)

// goField is a field as the generated struct holds it.
type goField struct {
	f        *thriftidl.Field
	name     string // Go field name
	goType   string
	optional bool // held so that unset shows (pointer or nil)
	required bool
	id       int
	wireName string // the IDL name, in tags
}

// structSpec is a struct to write: an IDL struct, union or exception, or
// a method's args or result.
type structSpec struct {
	name      string // Go name
	idlName   string // for error messages
	doc       string // IDL doc
	genDoc    string // doc when the IDL has none
	fields    []*goField
	exception bool // has Error
	result    bool // has Exception
	union     bool
}

// specFor describes an IDL struct, union or exception.
func (w *writer) specFor(s *thriftidl.Struct) *structSpec {
	name := exportedName(s.Name)
	spec := &structSpec{
		name:      name,
		idlName:   s.Name,
		doc:       s.Doc,
		genDoc:    name + " is " + s.Kind.String() + " " + s.Name + " of " + baseName(w.f.Path) + ".",
		exception: s.Kind == thriftidl.KindException,
		union:     s.Kind == thriftidl.KindUnion,
	}
	spec.fields = w.goFields(s.Fields, spec.union, false)
	return spec
}

// goFields maps IDL fields to Go fields, keeping Go names unique.
func (w *writer) goFields(fields []*thriftidl.Field, union, result bool) []*goField {
	seen := make(map[string]bool)
	var out []*goField
	for _, f := range fields {
		optional := result || fieldOptional(f, union)
		name := fieldName(f.Name)
		for seen[name] {
			name += "_"
		}
		seen[name] = true
		out = append(out, &goField{
			f: f, name: name, goType: w.fieldType(f, optional), optional: optional,
			required: f.Requiredness == thriftidl.Required && !union && !result,
			id:       f.ID, wireName: f.Name,
		})
	}
	return out
}

func baseName(p string) string {
	p = strings.ReplaceAll(p, "\\", "/")
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

// tag returns a field's struct tag.
func (gf *goField) tag() string {
	th := gf.wireName + "," + strconv.Itoa(gf.id)
	js := gf.wireName
	switch {
	case gf.required:
		th += ",required"
	case gf.optional:
		th += ",optional"
		js += ",omitempty"
	}
	return "`thrift:\"" + th + "\" json:\"" + js + "\"`"
}

// writeStruct writes a struct and its methods.
func (w *writer) writeStruct(s *structSpec) {
	w.structNames = append(w.structNames, s.name)
	w.doc(s.doc, s.genDoc)
	w.p("type %s struct {", s.name)
	for _, gf := range s.fields {
		if gf.f.Doc != "" {
			writeDoc(&w.buf, gf.f.Doc)
		}
		w.p("%s %s %s", gf.name, gf.goType, gf.tag())
	}
	if w.g.cfg.keepUnknown {
		w.p("")
		w.p("// unknownFields holds the encoded fields p does not know, to be")
		w.p("// written again.")
		w.p("unknownFields []byte")
	}
	w.p("}")
	w.p("")
	w.newFunc(s)
	w.thriftSize(s)
	w.appendThrift(s)
	w.decodeThrift(s)
	r := "p"
	w.comment("BLength returns ThriftSize: with FastWrite and FastRead it gives " + r + " the method set of cloudwego/gopkg's FastCodec.")
	w.p("func (p *%s) BLength() int { return p.ThriftSize() }", s.name)
	w.p("")
	w.comment("FastWrite writes p into buf, which holds at least BLength bytes, and returns the number of bytes written.")
	w.p("func (p *%s) FastWrite(buf []byte) int { return len(p.AppendThrift(buf[:0])) }", s.name)
	w.p("")
	w.comment("FastRead reads p from buf and returns the number of bytes read.")
	w.p("func (p *%s) FastRead(buf []byte) (int, error) { return %s(buf, p) }", s.name, w.rt("FastRead"))
	w.p("")
	w.comment("String returns p's fields, for logs.")
	w.p("func (p *%s) String() string {", s.name)
	w.p("if p == nil {")
	w.p(`return "<nil>"`)
	w.p("}")
	w.p("type plain %s", s.name)
	w.p(`return %s("%s(%%+v)", *(*plain)(p))`, w.use("fmt")+".Sprintf", s.name)
	w.p("}")
	w.p("")
	if s.exception {
		w.comment("Error returns p's fields: " + s.name + " is an error, which a caller matches with errors.As.")
		w.p("func (p *%s) Error() string { return p.String() }", s.name)
		w.p("")
	}
	if s.result {
		w.comment("Exception returns the declared exception p carries, or nil.")
		w.p("func (p *%s) Exception() error {", s.name)
		for _, gf := range s.fields {
			if gf.id == 0 {
				continue
			}
			w.p("if p.%s != nil {", gf.name)
			w.p("return p.%s", gf.name)
			w.p("}")
		}
		w.p("return nil")
		w.p("}")
		w.p("")
	}
}

// newFunc writes New<Name>, which applies the IDL's defaults.
func (w *writer) newFunc(s *structSpec) {
	w.comment("New" + s.name + " returns " + article(s.name) + " " + s.name + " with the IDL's default values.")
	w.p("func New%s() *%s {", s.name, s.name)
	w.p("return &%s", w.literal(s))
	w.p("}")
	w.p("")
}

// literal is a composite literal of s with the IDL's defaults.
func (w *writer) literal(s *structSpec) string {
	var inits []string
	for _, gf := range s.fields {
		if gf.f.Default == nil {
			continue
		}
		v := w.constExpr(gf.f.Type, gf.f.Default)
		if gf.optional && !nilable(gf.f.Type) {
			v = w.rt("Ptr") + "[" + w.goType(gf.f.Type) + "](" + v + ")"
		}
		inits = append(inits, gf.name+": "+v+",")
	}
	if len(inits) == 0 {
		return s.name + "{}"
	}
	return s.name + "{\n" + strings.Join(inits, "\n") + "\n}"
}

// present returns the condition under which a field is written, or ""
// when it always is. Optional fields are written when set; a nil struct
// is not written, there being nothing to write, except that a required
// one is written empty.
func (gf *goField) present() string {
	if gf.optional || kindOf(gf.f.Type) == kStruct {
		return "p." + gf.name + " != nil"
	}
	return ""
}

// value is the expression of a field's value (dereferenced when held by
// pointer for being optional).
func (gf *goField) value() string {
	if gf.optional && !nilable(gf.f.Type) {
		return "*p." + gf.name
	}
	return "p." + gf.name
}

func (w *writer) thriftSize(s *structSpec) {
	w.comment("ThriftSize returns the size of p in the binary protocol.")
	w.p("func (p *%s) ThriftSize() int {", s.name)
	w.p("n := %s", w.rt("FieldStopSize"))
	for _, gf := range s.fields {
		cond := gf.present()
		if cond != "" {
			w.p("if %s {", cond)
		}
		if e := w.sizeExpr(gf.f.Type, gf.value(), false); e != "" {
			w.p("n += %s + %s", w.rt("FieldBeginSize"), e)
		} else {
			w.p("n += %s", w.rt("FieldBeginSize"))
			w.size(gf.f.Type, gf.value(), false, 1)
		}
		if cond != "" {
			if gf.required {
				// A nil required struct goes out empty, so that the
				// field the peer requires is there.
				w.p("} else {")
				w.p("n += %s + %s", w.rt("FieldBeginSize"), w.rt("FieldStopSize"))
			}
			w.p("}")
		}
	}
	if w.g.cfg.keepUnknown {
		w.p("n += len(p.unknownFields)")
	}
	w.p("return n")
	w.p("}")
	w.p("")
}

func (w *writer) appendThrift(s *structSpec) {
	w.comment("AppendThrift appends p in the binary protocol: its fields and STOP.")
	w.p("func (p *%s) AppendThrift(b []byte) []byte {", s.name)
	for _, gf := range s.fields {
		cond := gf.present()
		if cond != "" {
			w.p("if %s {", cond)
		}
		if fn, conv := fieldAppender(kindOf(gf.f.Type)); fn != "" {
			// Header and value with one capacity check.
			w.p("b = %s(b, %d, %s)", w.rt(fn), gf.id, conv(gf.value()))
		} else {
			w.p("b = %s(b, %s, %d)", w.rt("AppendFieldBegin"), w.rt(wireType(gf.f.Type)), gf.id)
			w.appendValue(gf.f.Type, gf.value(), false, 1)
		}
		if cond != "" {
			if gf.required {
				w.p("} else {")
				w.p("b = %s(%s(b, %s, %d))", w.rt("AppendFieldStop"), w.rt("AppendFieldBegin"), w.rt("TypeStruct"), gf.id)
			}
			w.p("}")
		}
	}
	if w.g.cfg.keepUnknown {
		w.p("b = append(b, p.unknownFields...)")
	}
	w.p("return %s(b)", w.rt("AppendFieldStop"))
	w.p("}")
	w.p("")
}

// fieldAppender returns the runtime function that appends a whole field
// of kind k, and how to convert the value for it; "" for kinds that take
// a header and then their value.
func fieldAppender(k kind) (string, func(string) string) {
	same := func(x string) string { return x }
	switch k {
	case kBool:
		return "AppendFieldBool", same
	case kI8:
		return "AppendFieldI8", same
	case kI16:
		return "AppendFieldI16", same
	case kI32:
		return "AppendFieldI32", same
	case kEnum:
		return "AppendFieldI32", func(x string) string { return "int32(" + x + ")" }
	case kI64:
		return "AppendFieldI64", same
	case kDouble:
		return "AppendFieldDouble", same
	case kString, kSenum:
		return "AppendFieldString", same
	case kBinary:
		return "AppendFieldBinary", same
	}
	return "", nil
}

func (w *writer) decodeThrift(s *structSpec) {
	w.comment("DecodeThrift reads p in the binary protocol, skipping the fields it does not know. It sets p to the IDL's defaults first, so that a value can be decoded into again.")
	if hasRequired(s) {
		w.comment("It fails with an error matching thrift.ErrRequired when a required field is missing.")
	}
	w.p("func (p *%s) DecodeThrift(d *%s) error {", s.name, w.rt("Decoder"))
	w.p("if err := d.ReadStructBegin(); err != nil {")
	w.p("return err")
	w.p("}")
	// A value decoded into again starts from the defaults; a fresh one,
	// which holds them already, is not written to at all.
	if cond := w.changed(s); cond != "false" {
		if cond != "true" {
			w.p("if %s {", cond)
		}
		if w.g.cfg.keepUnknown {
			w.p("unknown := p.unknownFields[:0]")
			w.p("*p = %s", w.literal(s))
			w.p("p.unknownFields = unknown")
		} else {
			w.p("*p = %s", w.literal(s))
		}
		if cond != "true" {
			w.p("}")
		}
	}
	for _, gf := range s.fields {
		if gf.required {
			w.p("var has%s bool", gf.name)
		}
	}
	w.p("for {")
	if len(s.fields) > 0 || w.g.cfg.keepUnknown {
		w.p("t, id, err := d.ReadFieldBegin()")
	} else {
		w.p("t, _, err := d.ReadFieldBegin()")
	}
	w.p("if err != nil {")
	w.p("return err")
	w.p("}")
	w.p("if t == %s {", w.rt("TypeStop"))
	w.p("break")
	w.p("}")
	if len(s.fields) > 0 {
		w.p("switch id {")
		for _, gf := range s.fields {
			w.p("case %d:", gf.id)
			w.p("if t == %s {", w.rt(wireType(gf.f.Type)))
			if gf.optional && !nilable(gf.f.Type) {
				w.p("var v %s", w.goType(gf.f.Type))
				w.read(gf.f.Type, "v", false, 1)
				w.p("p.%s = &v", gf.name)
			} else {
				w.read(gf.f.Type, "p."+gf.name, false, 0)
			}
			if gf.required {
				w.p("has%s = true", gf.name)
			}
			w.p("continue")
			w.p("}")
		}
		w.p("}")
	}
	if w.g.cfg.keepUnknown {
		w.p("if p.unknownFields, err = d.KeepField(p.unknownFields, t, id); err != nil {")
	} else {
		w.p("if err := d.Skip(t); err != nil {")
	}
	w.p("return err")
	w.p("}")
	w.p("}")
	w.p("d.ReadStructEnd()")
	for _, gf := range s.fields {
		if gf.required {
			w.p("if !has%s {", gf.name)
			w.p("return d.RequiredError(%q, %q, %d)", s.idlName, gf.wireName, gf.id)
			w.p("}")
		}
	}
	w.p("return nil")
	w.p("}")
	w.p("")
}

// changed returns a condition that holds when p differs from what
// New<Name> returns: "true" when that cannot be told cheaply (a default
// of a container or binary field), "false" for a struct without fields.
func (w *writer) changed(s *structSpec) string {
	var conds []string
	for _, gf := range s.fields {
		x := "p." + gf.name
		if gf.f.Default != nil {
			switch {
			case nilable(gf.f.Type):
				return "true"
			case kindOf(gf.f.Type) == kUUID && gf.optional:
				conds = append(conds, x+" == nil || *"+x+" != "+w.constExpr(gf.f.Type, gf.f.Default))
			case kindOf(gf.f.Type) == kUUID:
				conds = append(conds, x+" != "+w.constExpr(gf.f.Type, gf.f.Default))
			case gf.optional:
				conds = append(conds, x+" == nil || *"+x+" != "+w.constExpr(gf.f.Type, gf.f.Default))
			case kindOf(gf.f.Type) == kBool:
				if w.constExpr(gf.f.Type, gf.f.Default) == "true" {
					conds = append(conds, "!"+x)
				} else {
					conds = append(conds, x)
				}
			default:
				conds = append(conds, x+" != "+w.constExpr(gf.f.Type, gf.f.Default))
			}
			continue
		}
		switch {
		case gf.optional || nilable(gf.f.Type):
			conds = append(conds, x+" != nil")
		case kindOf(gf.f.Type) == kBool:
			conds = append(conds, x)
		case kindOf(gf.f.Type) == kString || kindOf(gf.f.Type) == kSenum:
			conds = append(conds, x+` != ""`)
		case kindOf(gf.f.Type) == kUUID:
			conds = append(conds, x+" != ("+w.goType(gf.f.Type)+"{})")
		default:
			conds = append(conds, x+" != 0")
		}
	}
	if w.g.cfg.keepUnknown {
		conds = append(conds, "len(p.unknownFields) != 0")
	}
	if len(conds) == 0 {
		return "false"
	}
	return strings.Join(conds, " || ")
}

func hasRequired(s *structSpec) bool {
	for _, gf := range s.fields {
		if gf.required {
			return true
		}
	}
	return false
}
