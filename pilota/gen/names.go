package gen

import (
	"go/token"
	"strings"
	"unicode"
	"unicode/utf8"
)

// exportedName turns an IDL name into an exported Go identifier, as
// thriftgo does: each part between underscores starts with a capital, the
// rest is kept ("string_thing" -> "StringThing", "userID" -> "UserID").
// A name that starts with a digit after that gets a leading "X".
func exportedName(s string) string {
	var b strings.Builder
	for _, part := range strings.Split(s, "_") {
		if part == "" {
			continue
		}
		r, size := utf8.DecodeRuneInString(part)
		b.WriteRune(unicode.ToUpper(r))
		b.WriteString(part[size:])
	}
	out := sanitize(b.String())
	if out == "" {
		return "X"
	}
	if r, _ := utf8.DecodeRuneInString(out); !unicode.IsLetter(r) {
		out = "X" + out
	}
	return out
}

// constName is the Go name of an IDL const: the name with its first
// letter in capitals, underscores kept, as Apache and thriftgo write
// consts ("MAX_NAME").
func constName(s string) string {
	n := sanitize(s)
	r, size := utf8.DecodeRuneInString(n)
	if n == "" || !unicode.IsLetter(r) {
		return "X" + n
	}
	return string(unicode.ToUpper(r)) + n[size:]
}

// paramName turns an IDL argument name into a Go parameter name: its
// exported form with a lower-case first letter, kept apart from Go's
// keywords and from the names generated code uses beside parameters.
func paramName(s string) string {
	n := exportedName(s)
	r, size := utf8.DecodeRuneInString(n)
	n = string(unicode.ToLower(r)) + n[size:]
	if token.IsKeyword(n) || reservedParams[n] {
		n += "_"
	}
	return n
}

// reservedParams are the names generated methods declare next to the
// IDL's parameters.
var reservedParams = map[string]bool{
	"ctx": true, "opts": true, "args": true, "res": true, "err": true, "b": true,
	"c": true, "h": true, "a": true, "r": true, "ok": true, "ok2": true, "impl": true,
	"e": true, "thrift": true, "client": true, "server": true, "context": true, "errors": true,
}

// packageName turns a namespace part into a Go package name: letters,
// digits and underscores, not starting with a digit, not a keyword.
func packageName(s string) string {
	n := sanitize(s)
	if n == "" {
		return ""
	}
	if r, _ := utf8.DecodeRuneInString(n); unicode.IsDigit(r) {
		n = "_" + n
	}
	if token.IsKeyword(n) {
		n += "_"
	}
	return n
}

// sanitize drops what cannot be in a Go identifier.
func sanitize(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// article returns "an" before a name that starts with a vowel, else "a".
func article(name string) string {
	if name != "" && strings.ContainsRune("AEIOUaeiou", rune(name[0])) {
		return "an"
	}
	return "a"
}

// methodNames are the methods generated on structs; a field may not
// share a name with one.
var methodNames = map[string]bool{
	"ThriftSize": true, "AppendThrift": true, "DecodeThrift": true,
	"BLength": true, "FastWrite": true, "FastRead": true, "FastWriteNocopy": true,
	"String": true, "Error": true, "Exception": true,
}

// fieldName is the Go name of a struct field, kept apart from the
// generated methods.
func fieldName(s string) string {
	n := exportedName(s)
	if methodNames[n] {
		n += "_"
	}
	return n
}
