package thriftidl

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// lexer splits an IDL file into tokens the way Apache's flex scanner does:
// longest match, identifiers that may contain single dots, true and false
// as integers, and comments collected for doc text.
type lexer struct {
	filename string
	src      []byte
	off      int
	line     int
	lineOff  int // offset of the first byte of the current line
	// dirty is set once a token or comment has been seen on the current
	// line, so telling whether one starts its line costs nothing.
	dirty    bool
	errs     *errorSink
	comments []comment
}

func newLexer(filename string, src []byte, errs *errorSink) *lexer {
	l := &lexer{filename: filename, src: src, line: 1, errs: errs}
	if strings.HasPrefix(string(src[:min(len(src), 3)]), "\xEF\xBB\xBF") {
		l.off = 3 // a UTF-8 byte order mark, skipped as Apache does
	}
	return l
}

func (l *lexer) pos() Pos {
	return Pos{Filename: l.filename, Offset: l.off, Line: l.line, Col: l.off - l.lineOff + 1}
}

func (l *lexer) peekByte(n int) byte {
	if l.off+n < len(l.src) {
		return l.src[l.off+n]
	}
	return 0
}

func (l *lexer) eof() bool { return l.off >= len(l.src) }

// advance moves past n bytes, keeping line accounting.
func (l *lexer) advance(n int) {
	for ; n > 0 && l.off < len(l.src); n-- {
		if l.src[l.off] == '\n' {
			l.line++
			l.lineOff = l.off + 1
			l.dirty = false
		}
		l.off++
	}
}

func (l *lexer) errorf(p Pos, format string, args ...any) {
	l.errs.syntax(p, fmt.Sprintf(format, args...))
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isHex(c byte) bool    { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// next returns the next token, with the comments that precede it.
func (l *lexer) next() token {
	l.comments = nil
	for {
		l.skipSpace()
		if !l.skipComment() {
			break
		}
	}
	first := !l.dirty
	t := l.scan()
	l.dirty = true
	t.comments = l.comments
	t.firstOnLine = first
	return t
}

func (l *lexer) skipSpace() {
	for !l.eof() {
		switch l.src[l.off] {
		case ' ', '\t', '\r', '\n':
			l.advance(1)
		default:
			return
		}
	}
}

// skipComment consumes one comment, if one starts here, and records it.
func (l *lexer) skipComment() bool {
	start := l.pos()
	c := comment{pos: start, ownLine: !l.dirty}
	switch {
	case l.peekByte(0) == '#' || l.peekByte(0) == '/' && l.peekByte(1) == '/':
		c.kind = commentHash
		if l.peekByte(0) == '/' {
			c.kind = commentLine
		}
		end := l.off
		for end < len(l.src) && l.src[end] != '\n' {
			end++
		}
		c.text = string(l.src[l.off:end])
		l.advance(end - l.off)
	case l.peekByte(0) == '/' && l.peekByte(1) == '*':
		end := bytes.Index(l.src[l.off+2:], []byte("*/"))
		if end < 0 {
			l.errorf(start, "comment not terminated")
			l.advance(len(l.src) - l.off)
			return false
		}
		text := string(l.src[l.off : l.off+2+end+2])
		c.text = text
		// "/**/" and "/***/" are plain comments, as in Apache.
		if strings.HasPrefix(text, "/**") && strings.Trim(text[1:len(text)-1], "*") != "" {
			c.kind = commentDoc
		}
		l.advance(len(text))
	default:
		return false
	}
	c.endLine = l.line
	l.dirty = true
	l.comments = append(l.comments, c)
	return true
}

func (l *lexer) scan() token {
	p := l.pos()
	if l.eof() {
		return token{kind: tokEOF, pos: p}
	}
	c := l.src[l.off]
	switch {
	case isLetter(c):
		end := l.off + 1
		for end < len(l.src) {
			if d := l.src[end]; isLetter(d) || isDigit(d) {
				end++
			} else if d == '.' && end+1 < len(l.src) && (isLetter(l.src[end+1]) || isDigit(l.src[end+1])) {
				end += 2
			} else {
				break
			}
		}
		text := string(l.src[l.off:end])
		l.advance(end - l.off)
		switch {
		case text == "true":
			return token{kind: tokInt, pos: p, text: text, ival: 1}
		case text == "false":
			return token{kind: tokInt, pos: p, text: text}
		case keywords[text]:
			return token{kind: tokKeyword, pos: p, text: text}
		}
		return token{kind: tokIdent, pos: p, text: text}
	case isDigit(c) || c == '+' || c == '-' || c == '.':
		if t, ok := l.scanNumber(p); ok {
			return t
		}
	case c == '"' || c == '\'':
		return l.scanString(p)
	case strings.IndexByte(":;,{}()=<>[]*&", c) >= 0:
		l.advance(1)
		return token{kind: tokPunct, pos: p, text: string(c)}
	}
	r, size := utf8.DecodeRune(l.src[l.off:])
	if r == utf8.RuneError && size <= 1 {
		l.errorf(p, "illegal byte 0x%02x", c)
		size = 1
	} else {
		l.errorf(p, "illegal character %U %q", r, r)
	}
	l.advance(size)
	return token{kind: tokIllegal, pos: p, text: string(l.src[p.Offset:l.off])}
}

// scanNumber scans [+-]? then a hex integer, a decimal integer or a double,
// taking the longest match as flex does. A sign or dot that starts no number
// is illegal.
func (l *lexer) scanNumber(p Pos) (token, bool) {
	i := l.off
	if c := l.src[i]; c == '+' || c == '-' {
		i++
	}
	digits := func(j int) int {
		for j < len(l.src) && isDigit(l.src[j]) {
			j++
		}
		return j
	}
	// Hex: 0x followed by at least one hex digit.
	if i+2 < len(l.src) && l.src[i] == '0' && l.src[i+1] == 'x' && isHex(l.src[i+2]) {
		end := i + 2
		for end < len(l.src) && isHex(l.src[end]) {
			end++
		}
		text := string(l.src[l.off:end])
		l.advance(end - l.off)
		u, err := strconv.ParseInt(string(l.src[i+2:end]), 16, 64)
		if err != nil {
			l.errorf(p, "integer constant %s is too big", text)
		}
		if text[0] == '-' {
			u = -u
		}
		return token{kind: tokInt, pos: p, text: text, ival: u}, true
	}
	end := digits(i)
	isDouble := false
	if end < len(l.src)-1 && l.src[end] == '.' && isDigit(l.src[end+1]) {
		end = digits(end + 1)
		isDouble = true
	}
	if end == i {
		return token{}, false // a lone sign or dot
	}
	if end < len(l.src) && (l.src[end] == 'e' || l.src[end] == 'E') {
		j := end + 1
		if j < len(l.src) && (l.src[j] == '+' || l.src[j] == '-') {
			j++
		}
		if j < len(l.src) && isDigit(l.src[j]) {
			end = digits(j)
			isDouble = true
		}
	}
	text := string(l.src[l.off:end])
	l.advance(end - l.off)
	if !isDouble {
		v, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			l.errorf(p, "integer constant %s is too big", text)
		}
		return token{kind: tokInt, pos: p, text: text, ival: v}, true
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil && (math.IsInf(f, 0) || math.IsNaN(f)) {
		l.errorf(p, "floating-point constant %s is out of range", text)
		f = 0
	}
	return token{kind: tokDouble, pos: p, text: text, fval: f}, true
}

// scanString scans a literal in either quote kind. A string cannot span
// lines; the escapes are \n \r \t \" \' and \\, as in Apache.
func (l *lexer) scanString(p Pos) token {
	quote := l.src[l.off]
	l.advance(1)
	var b strings.Builder
	for {
		if l.eof() {
			l.errorf(p, "string literal not terminated")
			return token{kind: tokString, pos: p, text: b.String()}
		}
		c := l.src[l.off]
		switch {
		case c == quote:
			l.advance(1)
			return token{kind: tokString, pos: p, text: b.String()}
		case c == '\n':
			l.errorf(p, "string literal not terminated")
			return token{kind: tokString, pos: p, text: b.String()}
		case c == '\\':
			ep := l.pos()
			var e byte
			if l.off+1 < len(l.src) {
				e = l.src[l.off+1]
			}
			switch e {
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case '"', '\'', '\\':
				b.WriteByte(e)
			case '\n':
				l.errorf(p, "string literal not terminated")
				l.advance(1)
				return token{kind: tokString, pos: p, text: b.String()}
			default:
				if l.off+1 >= len(l.src) {
					l.advance(1)
					continue // reported as not terminated
				}
				if e >= 0x20 && e <= 0x7e {
					l.errorf(ep, "invalid escape sequence \\%c", e)
				} else {
					l.errorf(ep, "invalid escape byte 0x%02x", e)
				}
			}
			l.advance(2)
		default:
			b.WriteByte(c)
			l.advance(1)
		}
	}
}
