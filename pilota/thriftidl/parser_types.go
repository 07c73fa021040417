package thriftidl

var baseKinds = map[string]TypeKind{
	"bool": BoolType, "byte": I8Type, "i8": I8Type, "i16": I16Type,
	"i32": I32Type, "i64": I64Type, "double": DoubleType, "string": StringType,
	"binary": BinaryType, "uuid": UUIDType,
}

// typ parses a field type: a base type, a container or a reference, each
// optionally annotated. Apache takes annotations on base and container
// types only; they are accepted on references too.
func (p *parser) typ() *Type {
	p.enter()
	defer p.leave()
	t := &Type{Pos: p.tok.pos, Name: p.tok.text}
	switch {
	case p.tok.kind == tokKeyword && baseKinds[p.tok.text] != 0:
		t.Kind = baseKinds[p.tok.text]
		p.next()
	case p.tok.kind == tokIdent:
		t.Kind = NamedType
		if t.Name == "slist" {
			t.Kind = StringType // the deprecated slist is a string
		}
		p.next()
	case p.tok.isKeyword("map"):
		t.Kind = MapType
		p.next()
		t.CppType = p.cppType()
		p.expect("<")
		t.Key = p.typ()
		p.expect(",")
		t.Value = p.typ()
		p.expect(">")
	case p.tok.isKeyword("set"), p.tok.isKeyword("list"):
		t.Kind = SetType
		if t.Name == "list" {
			t.Kind = ListType
		}
		p.next()
		t.CppType = p.cppType()
		p.expect("<")
		t.Elem = p.typ()
		p.expect(">")
		if t.Kind == ListType {
			if ct := p.cppType(); ct != "" { // the old place of cpp_type
				t.CppType = ct
			}
		}
	default:
		p.errorExpected("type")
	}
	t.Annotations = p.annotations()
	return t
}

func (p *parser) cppType() string {
	if !p.tok.isKeyword("cpp_type") {
		return ""
	}
	p.next()
	if p.tok.kind != tokString {
		p.errorExpected("string")
	}
	s := p.tok.text
	p.next()
	return s
}

// annotations parses an optional "( key = "value", key2 ... )".
func (p *parser) annotations() Annotations {
	if !p.tok.is("(") {
		return nil
	}
	p.next()
	as := Annotations{}
	for !p.tok.is(")") {
		if p.tok.kind != tokIdent {
			p.errorExpected("annotation name")
		}
		a := &Annotation{Pos: p.tok.pos, Key: p.tok.text, Value: "1"}
		p.next()
		if p.tok.is("=") {
			p.next()
			if p.tok.kind != tokString {
				p.errorExpected("annotation value")
			}
			a.Value = p.tok.text
			p.next()
		}
		p.optSep()
		as = append(as, a)
	}
	p.next()
	return as
}

func (p *parser) constValue() *ConstValue {
	p.enter()
	defer p.leave()
	v := &ConstValue{Pos: p.tok.pos}
	switch {
	case p.tok.kind == tokInt:
		v.Kind, v.Raw, v.Int = IntValue, p.tok.text, p.tok.ival
		if v.Raw == "true" || v.Raw == "false" {
			v.Kind, v.Bool = BoolValue, v.Raw == "true"
		}
		p.next()
	case p.tok.kind == tokDouble:
		v.Kind, v.Raw, v.Double = DoubleValue, p.tok.text, p.tok.fval
		p.next()
	case p.tok.kind == tokString:
		v.Kind, v.Text = StringValue, p.tok.text
		p.next()
	case p.tok.kind == tokIdent:
		v.Kind, v.Ident = IdentValue, p.tok.text
		p.next()
	case p.tok.is("["):
		v.Kind = ListValue
		p.next()
		v.List = []*ConstValue{}
		for !p.tok.is("]") {
			v.List = append(v.List, p.constValue())
			p.optSep()
		}
		p.next()
	case p.tok.is("{"):
		v.Kind = MapValue
		p.next()
		v.Map = []*MapEntry{}
		for !p.tok.is("}") {
			e := &MapEntry{Key: p.constValue()}
			p.expect(":")
			e.Value = p.constValue()
			p.optSep()
			v.Map = append(v.Map, e)
		}
		p.next()
	default:
		p.errorExpected("constant value")
	}
	return v
}

// fields parses a field list up to, not including, the end token.
func (p *parser) fields(end string) []*Field {
	fs := []*Field{}
	implicit := -1
	for !p.tok.is(end) {
		fs = append(fs, p.field(&implicit))
	}
	return fs
}

// fieldNameKeywords are the keywords Apache accepts as field names: all
// but cpp_type and the xsd_ modifiers, which may follow a field name.
func isFieldName(t token) bool {
	if t.kind == tokIdent {
		return true
	}
	if t.kind != tokKeyword {
		return false
	}
	switch t.text {
	case "cpp_type", "xsd_all", "xsd_optional", "xsd_nillable", "xsd_attrs":
		return false
	}
	return true
}

func (p *parser) field(implicit *int) *Field {
	f := &Field{Pos: p.tok.pos, Doc: p.doc()}
	if p.tok.kind == tokInt {
		id, idPos, text := p.tok.ival, p.tok.pos, p.tok.text
		p.next()
		p.expect(":")
		switch {
		case id <= 0: // Apache ignores it and assigns one, with a warning
			f.ID, f.ImplicitID = *implicit, true
			*implicit--
		case id > 1<<15-1:
			p.report(idPos, "field id %s is out of range for i16", text)
			f.ID = 1<<15 - 1
		default:
			f.ID = int(id)
		}
	} else {
		f.ID, f.ImplicitID = *implicit, true
		*implicit--
	}
	if *implicit < -1<<15 {
		p.fail(f.Pos, "too many fields without an id")
	}
	switch {
	case p.tok.isKeyword("required"):
		f.Requiredness = Required
		p.next()
	case p.tok.isKeyword("optional"):
		f.Requiredness = Optional
		p.next()
	}
	f.Type = p.typ()
	if p.tok.is("&") {
		f.Reference = true
		p.next()
	}
	if !isFieldName(p.tok) {
		p.errorExpected("field name")
	}
	f.Name = p.tok.text
	if p.tok.kind == tokIdent {
		f.Name, _ = p.ident("field name")
	} else {
		p.next()
	}
	if p.tok.is("=") {
		p.next()
		f.Default = p.constValue()
	}
	if p.tok.isKeyword("xsd_optional") {
		f.XsdOptional = true
		p.next()
	}
	if p.tok.isKeyword("xsd_nillable") {
		f.XsdNillable = true
		p.next()
	}
	if p.tok.isKeyword("xsd_attrs") {
		p.next()
		p.expect("{")
		p.enter()
		f.XsdAttrs = p.fields("}")
		p.leave()
		p.expect("}")
	}
	f.Annotations = p.annotations()
	p.optSep()
	return f
}
