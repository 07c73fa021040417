package thriftidl

import (
	"strconv"
)

type tokenKind int

const (
	tokEOF     tokenKind = iota
	tokIllegal           // already reported by the lexer
	tokIdent
	tokKeyword
	tokInt // also true and false, as Apache lexes them
	tokDouble
	tokString
	tokPunct // one of : ; , { } ( ) = < > [ ] * &
)

// keywords are the words Apache's lexer turns into tokens of their own.
// "senum" and "slist" are not among them any more; the parser recognises
// them where they used to be legal.
var keywords = map[string]bool{
	"namespace": true, "cpp_include": true, "cpp_type": true, "include": true,
	"xsd_all": true, "xsd_optional": true, "xsd_nillable": true, "xsd_attrs": true,
	"void": true, "bool": true, "byte": true, "i8": true, "i16": true,
	"i32": true, "i64": true, "double": true, "string": true, "binary": true,
	"uuid": true, "map": true, "list": true, "set": true, "oneway": true,
	"async": true, "typedef": true, "struct": true, "union": true,
	"exception": true, "extends": true, "throws": true, "service": true,
	"enum": true, "const": true, "required": true, "optional": true,
}

type commentKind int

const (
	commentBlock commentKind = iota // /* ... */
	commentDoc                      // /** ... */
	commentLine                     // // ...
	commentHash                     // # ...
)

type comment struct {
	kind    commentKind
	text    string // as written, markers included
	pos     Pos
	endLine int
	ownLine bool // nothing but blanks precede it on its line
}

type token struct {
	kind     tokenKind
	pos      Pos
	text     string // as written; for strings, the decoded value
	ival     int64
	fval     float64
	comments []comment // comments between the previous token and this one
	// firstOnLine is set when nothing but blanks precede the token on its
	// line.
	firstOnLine bool
}

func (t token) is(punct string) bool { return t.kind == tokPunct && t.text == punct }

func (t token) isKeyword(kw string) bool { return t.kind == tokKeyword && t.text == kw }

// describe names a token in "expected X, found Y" messages.
func (t token) describe() string {
	switch t.kind {
	case tokEOF:
		return "end of file"
	case tokIdent:
		return "identifier " + t.text
	case tokKeyword:
		return "keyword " + t.text
	case tokInt:
		return "integer " + t.text
	case tokDouble:
		return "number " + t.text
	case tokString:
		return "string " + strconv.Quote(t.text)
	case tokPunct:
		return "'" + t.text + "'"
	}
	return "illegal token"
}
