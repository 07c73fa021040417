package thriftidl

import "strconv"

// Pos is a position in an IDL file. Line and Col are 1-based; Col counts
// bytes, as go/token does. The zero Pos is not valid and stands for "no
// position".
type Pos struct {
	Filename string
	Offset   int // byte offset, 0-based
	Line     int
	Col      int
}

// IsValid reports whether p names a line of a file.
func (p Pos) IsValid() bool { return p.Line > 0 }

// String returns "file:line:col", or "file" when p has no line, or "-"
// when p is entirely empty, like go/token.Position.
func (p Pos) String() string {
	s := p.Filename
	if p.IsValid() {
		if s != "" {
			s += ":"
		}
		s += strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Col)
	}
	if s == "" {
		s = "-"
	}
	return s
}
