package thriftidl

import (
	"cmp"
	"errors"
	"slices"
	"strings"
)

// Sentinel errors, matched with errors.Is against anything Parse or Load
// returns.
var (
	// ErrSyntax marks lexical and grammatical errors, and inputs that exceed
	// the parser's limits.
	ErrSyntax = errors.New("thrift syntax error")
	// ErrResolve marks errors in names, types and values found once every
	// file is parsed: unknown or duplicate names, cycles, mistyped values.
	ErrResolve = errors.New("thrift resolve error")
)

// MaxErrors is how many errors one call to Parse or Load reports before it
// gives up.
const MaxErrors = 10

// Error is one positioned error. Its message reads "file:line:col: msg".
type Error struct {
	Pos Pos
	Msg string

	kind  error // ErrSyntax or ErrResolve, or nil
	cause error // an underlying error, such as a *fs.PathError
}

// Error returns the position and the message, as "file:line:col: msg".
func (e *Error) Error() string {
	if e.Pos == (Pos{}) {
		return e.Msg
	}
	return e.Pos.String() + ": " + e.Msg
}

// Unwrap returns the sentinel the error belongs to (ErrSyntax or
// ErrResolve) and, for a file that cannot be read, the file system's error,
// which wraps fs.ErrNotExist when the file does not exist.
func (e *Error) Unwrap() []error {
	var errs []error
	if e.kind != nil {
		errs = append(errs, e.kind)
	}
	if e.cause != nil {
		errs = append(errs, e.cause)
	}
	return errs
}

// ErrorList is the error returned by Parse and Load: every error found, in
// file and position order, at most MaxErrors of them.
type ErrorList []*Error

// Error returns one error per line.
func (l ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap returns the errors of the list, so errors.Is and errors.As look at
// each of them.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

// errorSink collects errors up to MaxErrors.
type errorSink struct {
	list ErrorList
	full bool // MaxErrors reached; stop working
}

func (s *errorSink) add(e *Error) {
	if s.full {
		return
	}
	s.list = append(s.list, e)
	if len(s.list) >= MaxErrors {
		s.full = true
	}
}

func (s *errorSink) syntax(pos Pos, msg string) {
	s.add(&Error{Pos: pos, Msg: msg, kind: ErrSyntax})
}

func (s *errorSink) resolve(pos Pos, msg string) {
	s.add(&Error{Pos: pos, Msg: msg, kind: ErrResolve})
}

// err returns the collected errors, or nil. Errors of one file are sorted
// by offset; files keep the order in which their first error was found.
func (s *errorSink) err() error {
	if len(s.list) == 0 {
		return nil
	}
	first := make(map[string]int)
	for i, e := range s.list {
		if _, ok := first[e.Pos.Filename]; !ok {
			first[e.Pos.Filename] = i
		}
	}
	l := slices.Clone(s.list)
	slices.SortStableFunc(l, func(a, b *Error) int {
		if c := cmp.Compare(first[a.Pos.Filename], first[b.Pos.Filename]); c != 0 {
			return c
		}
		return cmp.Compare(a.Pos.Offset, b.Pos.Offset)
	})
	return l
}
