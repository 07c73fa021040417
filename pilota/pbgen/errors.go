package pbgen

import (
	"errors"
	"fmt"
)

var (
	// ErrParse is matched, through errors.Is, by every error of a .proto
	// file's contents: syntax, an import that is not found, a name that
	// does not resolve, a definition the language forbids.
	ErrParse = errors.New("pbgen: bad .proto file")
	// ErrNoFile is returned for a file to load that cannot be read.
	ErrNoFile = errors.New("pbgen: cannot read .proto file")
	// ErrTooLarge is returned for a file larger than the limit of
	// [WithMaxFileSize].
	ErrTooLarge = errors.New("pbgen: .proto file too large")
	// ErrGenerate is matched by an error of the generator: a file it
	// cannot generate Go for.
	ErrGenerate = errors.New("pbgen: cannot generate")
	// ErrNameClash is matched, as is ErrGenerate, when a service stub
	// needs a Go name that another declaration of its Go package has (a
	// message GreeterClient beside service Greeter).
	ErrNameClash = fmt.Errorf("%w: Go name clash", ErrGenerate)
)

// Pos is a position in a .proto file.
type Pos struct {
	// File is the file's path as it was read.
	File string
	// Line and Col count from 1; 0 when unknown.
	Line, Col int
}

// String returns "file:line:col", leaving out what is unknown.
func (p Pos) String() string {
	switch {
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Error is one error in a .proto file, at a position. [Load] returns
// them joined (errors.Join), the first found first; errors.As finds the
// first.
type Error struct {
	// Pos is where the error is.
	Pos Pos
	// Msg says what is wrong.
	Msg string
}

// Error returns "file:line:col: msg".
func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// Is reports whether target is [ErrParse].
func (e *Error) Is(target error) bool { return target == ErrParse }
