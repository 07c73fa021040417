package thriftidl

import (
	"fmt"
	"path"
	"strings"
)

// Limits that keep hostile input from exhausting the stack or memory.
const (
	// MaxFileSize is the largest IDL file Parse and Load accept, in bytes.
	MaxFileSize = 16 << 20
	// maxDepth bounds the nesting of types and of const values.
	maxDepth = 100
)

// Parse parses one IDL file. It checks the syntax only: includes are not
// read and names are not resolved (Load does both). On error it returns
// what it could parse along with an ErrorList of *Error, each matching
// ErrSyntax.
func Parse(filename string, src []byte) (*File, error) {
	errs := &errorSink{}
	f := parse(filename, src, errs)
	return f, errs.err()
}

func parse(filename string, src []byte, errs *errorSink) *File {
	f := &File{
		Pos:    Pos{Filename: filename, Line: 1, Col: 1},
		Path:   filename,
		Name:   baseName(filename),
		types:  make(map[string]Definition),
		consts: make(map[string]*Const),
	}
	if len(src) > MaxFileSize {
		errs.syntax(Pos{Filename: filename}, fmt.Sprintf("file is larger than %d bytes", MaxFileSize))
		return f
	}
	p := &parser{lx: newLexer(filename, src, errs), errs: errs, file: f}
	p.next()
	p.fileDoc()
	for p.tok.kind != tokEOF && !errs.full {
		p.topLevel()
	}
	return f
}

// baseName is Apache's program name: the file name without directory and
// without its last extension.
func baseName(filename string) string {
	name := path.Base(strings.ReplaceAll(filename, "\\", "/"))
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[:i]
	}
	return name
}

type parser struct {
	lx          *lexer
	errs        *errorSink
	tok         token
	file        *File
	depth       int
	definitions bool // a definition was seen, so headers are late
}

// bailout unwinds the parser to the current top-level definition after a
// syntax error; topLevel recovers it and skips ahead.
type bailout struct{}

func (p *parser) next() { p.tok = p.lx.next() }

// fail records a syntax error and abandons the current definition.
func (p *parser) fail(pos Pos, format string, args ...any) {
	p.errs.syntax(pos, fmt.Sprintf(format, args...))
	panic(bailout{})
}

// report records a syntax error and goes on parsing.
func (p *parser) report(pos Pos, format string, args ...any) {
	p.errs.syntax(pos, fmt.Sprintf(format, args...))
}

func (p *parser) errorExpected(what string) {
	if p.tok.kind == tokIllegal {
		panic(bailout{}) // the lexer has said what is wrong
	}
	p.fail(p.tok.pos, "expected %s, found %s", what, p.tok.describe())
}

func (p *parser) expect(punct string) Pos {
	pos := p.tok.pos
	if !p.tok.is(punct) {
		p.errorExpected("'" + punct + "'")
	}
	p.next()
	return pos
}

// ident expects an identifier that names something being defined: it may
// not contain a dot.
func (p *parser) ident(what string) (string, Pos) {
	if p.tok.kind != tokIdent {
		p.errorExpected(what)
	}
	name, pos := p.tok.text, p.tok.pos
	if strings.Contains(name, ".") {
		p.report(pos, "%s %s cannot contain a dot", what, name)
	}
	p.next()
	return name, pos
}

// optSep skips an optional ',' or ';'.
func (p *parser) optSep() {
	if p.tok.is(",") || p.tok.is(";") {
		p.next()
	}
}

func (p *parser) doc() string { return docText(p.tok.comments, p.tok.pos.Line) }

func (p *parser) enter() {
	if p.depth++; p.depth > maxDepth {
		p.fail(p.tok.pos, "nesting deeper than %d levels", maxDepth)
	}
}

func (p *parser) leave() { p.depth-- }

// fileDoc takes the file's doc comment from before the first token: the
// first /** */ comment if a header follows, or if it is set apart from the
// first definition by a blank line or by another doc comment.
func (p *parser) fileDoc() {
	cs := p.tok.comments
	var docs []int
	for i, c := range cs {
		if c.kind == commentDoc {
			docs = append(docs, i)
		}
	}
	if isHeader(p.tok) {
		if len(docs) > 0 {
			p.file.Doc = cleanBlockDoc(cs[docs[0]].text)
		} else {
			p.file.Doc = lineRunDoc(cs, p.tok.pos.Line)
		}
		return
	}
	switch {
	case len(docs) > 1:
		p.file.Doc = cleanBlockDoc(cs[docs[0]].text)
	case len(docs) == 1 && cs[docs[0]].endLine < p.tok.pos.Line-1:
		p.file.Doc = cleanBlockDoc(cs[docs[0]].text)
		p.tok.comments = append(cs[:docs[0]:docs[0]], cs[docs[0]+1:]...)
	}
}

func isHeader(t token) bool {
	return t.isKeyword("include") || t.isKeyword("cpp_include") || t.isKeyword("namespace")
}

func startsDefinition(t token) bool {
	switch {
	case t.kind == tokKeyword:
		switch t.text {
		case "typedef", "const", "enum", "struct", "union", "exception", "service",
			"include", "cpp_include", "namespace":
			return true
		}
	case t.kind == tokIdent:
		return t.text == "senum"
	}
	return false
}

// topLevel parses one header or definition. After a syntax error it skips
// to the next keyword that starts a line and can start a definition.
func (p *parser) topLevel() {
	start := p.tok.pos.Offset
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		if _, ok := r.(bailout); !ok {
			panic(r)
		}
		p.depth = 0
		if p.tok.kind != tokEOF && p.tok.pos.Offset == start {
			p.next()
		}
		for p.tok.kind != tokEOF && !(startsDefinition(p.tok) && p.tok.firstOnLine) {
			p.next()
		}
	}()
	if isHeader(p.tok) {
		if p.definitions {
			p.report(p.tok.pos, "%s must come before the definitions", p.tok.text)
		}
		p.header()
		return
	}
	p.definitions = true
	p.definition()
}

func (p *parser) header() {
	pos := p.tok.pos
	switch p.tok.text {
	case "include", "cpp_include":
		kw := p.tok.text
		p.next()
		if p.tok.kind != tokString {
			p.errorExpected("file name")
		}
		file := p.tok.text
		p.next()
		if kw == "include" {
			p.file.Includes = append(p.file.Includes, &Include{Pos: pos, Path: file, Name: baseName(file)})
		} else {
			p.file.CppIncludes = append(p.file.CppIncludes, &CppInclude{Pos: pos, Path: file})
		}
	case "namespace":
		p.next()
		ns := &Namespace{Pos: pos}
		switch {
		case p.tok.is("*"):
			ns.Scope = "*"
		case p.tok.kind == tokIdent:
			ns.Scope = p.tok.text
		default:
			p.errorExpected("namespace scope")
		}
		p.next()
		if p.tok.kind != tokIdent {
			p.errorExpected("namespace name")
		}
		ns.Name = p.tok.text
		p.next()
		ns.Annotations = p.annotations()
		p.file.Namespaces = append(p.file.Namespaces, ns)
	}
	p.optSep()
}

func (p *parser) definition() {
	doc, pos := p.doc(), p.tok.pos
	var d Definition
	switch {
	case p.tok.isKeyword("typedef"):
		p.next()
		td := &Typedef{Pos: pos, Doc: doc}
		td.Type = p.typ()
		td.Name, _ = p.ident("typedef name")
		td.Annotations = p.annotations()
		p.file.Typedefs = append(p.file.Typedefs, td)
		d = td
	case p.tok.isKeyword("const"):
		p.next()
		c := &Const{Pos: pos, Doc: doc}
		c.Type = p.typ()
		c.Name, _ = p.ident("const name")
		p.expect("=")
		c.Value = p.constValue()
		c.Annotations = p.annotations()
		p.file.Consts = append(p.file.Consts, c)
		d = c
	case p.tok.isKeyword("enum"):
		d = p.enum(pos, doc)
	case p.tok.kind == tokIdent && p.tok.text == "senum":
		d = p.senum(pos, doc)
	case p.tok.isKeyword("struct"), p.tok.isKeyword("union"), p.tok.isKeyword("exception"):
		d = p.structDef(pos, doc)
	case p.tok.isKeyword("service"):
		d = p.service(pos, doc)
	default:
		p.errorExpected("definition")
	}
	p.optSep() // Apache takes one only after typedefs, consts and fields
	p.file.Definitions = append(p.file.Definitions, d)
	if c, ok := d.(*Const); ok {
		if _, dup := p.file.consts[c.Name]; !dup {
			p.file.consts[c.Name] = c
		}
	} else if _, dup := p.file.types[d.Ident()]; !dup {
		p.file.types[d.Ident()] = d
	}
}

func (p *parser) enum(pos Pos, doc string) *Enum {
	p.next()
	e := &Enum{Pos: pos, Doc: doc}
	e.Name, _ = p.ident("enum name")
	p.expect("{")
	last := int64(-1)
	for !p.tok.is("}") {
		v := &EnumValue{Pos: p.tok.pos, Doc: p.doc(), Enum: e}
		v.Name, _ = p.ident("enum value name")
		if p.tok.is("=") {
			p.next()
			if p.tok.kind != tokInt {
				p.errorExpected("integer")
			}
			v.Value, v.Explicit = p.tok.ival, true
			if v.Value < -1<<31 || v.Value > 1<<31-1 {
				p.report(p.tok.pos, "enum value %s is out of range for i32", p.tok.text)
			}
			p.next()
		} else {
			if last == 1<<31-1 {
				p.report(v.Pos, "enum value %s overflows i32", v.Name)
			}
			v.Value = last + 1
		}
		last = v.Value
		v.Annotations = p.annotations()
		p.optSep()
		e.Values = append(e.Values, v)
	}
	p.next()
	e.Annotations = p.annotations()
	p.file.Enums = append(p.file.Enums, e)
	return e
}

func (p *parser) senum(pos Pos, doc string) *Senum {
	p.next()
	s := &Senum{Pos: pos, Doc: doc}
	s.Name, _ = p.ident("senum name")
	p.expect("{")
	for !p.tok.is("}") {
		if p.tok.kind != tokString {
			p.errorExpected("string")
		}
		s.Values = append(s.Values, p.tok.text)
		p.next()
		p.optSep()
	}
	p.next()
	s.Annotations = p.annotations()
	p.file.Senums = append(p.file.Senums, s)
	return s
}

func (p *parser) structDef(pos Pos, doc string) *Struct {
	s := &Struct{Pos: pos, Doc: doc}
	switch p.tok.text {
	case "union":
		s.Kind = KindUnion
	case "exception":
		s.Kind = KindException
	}
	p.next()
	s.Name, _ = p.ident(s.Kind.String() + " name")
	if s.Kind != KindException && p.tok.isKeyword("xsd_all") {
		s.XsdAll = true
		p.next()
	}
	p.expect("{")
	s.Fields = p.fields("}")
	p.expect("}")
	s.Annotations = p.annotations()
	p.file.Structs = append(p.file.Structs, s)
	return s
}

func (p *parser) service(pos Pos, doc string) *Service {
	p.next()
	s := &Service{Pos: pos, Doc: doc}
	s.Name, _ = p.ident("service name")
	if p.tok.isKeyword("extends") {
		p.next()
		if p.tok.kind != tokIdent {
			p.errorExpected("service name")
		}
		s.Extends, s.ExtendsPos = p.tok.text, p.tok.pos
		p.next()
	}
	p.expect("{")
	for !p.tok.is("}") {
		s.Functions = append(s.Functions, p.function())
	}
	p.next()
	s.Annotations = p.annotations()
	p.file.Services = append(p.file.Services, s)
	return s
}

func (p *parser) function() *Function {
	f := &Function{Pos: p.tok.pos, Doc: p.doc()}
	if p.tok.isKeyword("oneway") || p.tok.isKeyword("async") {
		f.Oneway = true
		p.next()
	}
	if p.tok.isKeyword("void") {
		p.next()
	} else {
		f.Result = p.typ()
	}
	f.Name, _ = p.ident("function name")
	p.expect("(")
	f.Args = p.fields(")")
	p.expect(")")
	if p.tok.isKeyword("throws") {
		p.next()
		p.expect("(")
		f.Throws = p.fields(")")
		p.expect(")")
	}
	f.Annotations = p.annotations()
	p.optSep()
	return f
}
