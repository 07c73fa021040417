package thriftidl_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDocComments(t *testing.T) {
	f := mustParse(t, `/**
 * The file.
 *
 * Second paragraph.
 */

namespace go x

/** One line. */
struct S {
  /** Before a field,
      indented without stars. */
  1: i32 a,

  // A line comment
  // in two lines.
  2: i32 b // trailing, not a doc

  // Set apart by a blank line: not a doc.

  3: i32 c
  ///   Triple slashes.
  4: i32 d
}

/**
 * Wins over the line comment below, as in Apache.
 */
// note
enum E {
  /** First. */
  A,
  // Second.
  B
}

// A service.
service V {
  /**
   *   Indented
   *     more
   */
  void f()
  # hash comments are not docs
  void g()
}

/** A typedef. */ typedef i32 T
/***/ const i32 C = 1
`)
	assert.Equal(t, "The file.\n\nSecond paragraph.", f.Doc)
	s := f.Structs[0]
	assert.Equal(t, "One line.", s.Doc)
	require.Len(t, s.Fields, 4)
	assert.Equal(t, "Before a field,\nindented without stars.", s.Fields[0].Doc)
	assert.Equal(t, "A line comment\nin two lines.", s.Fields[1].Doc)
	assert.Equal(t, "", s.Fields[2].Doc)
	assert.Equal(t, "Triple slashes.", s.Fields[3].Doc)
	e := f.Enums[0]
	assert.Equal(t, "Wins over the line comment below, as in Apache.", e.Doc)
	assert.Equal(t, "First.", e.Values[0].Doc)
	assert.Equal(t, "Second.", e.Values[1].Doc)
	v := f.Services[0]
	assert.Equal(t, "A service.", v.Doc)
	assert.Equal(t, "Indented\n  more", v.Functions[0].Doc)
	assert.Equal(t, "", v.Functions[1].Doc)
	assert.Equal(t, "A typedef.", f.Typedefs[0].Doc)
	assert.Equal(t, "", f.Consts[0].Doc, "/***/ is not a doc comment")
}

func TestFileDoc(t *testing.T) {
	tests := []struct {
		name, src, file, def string
	}{
		{"header follows", "/** File. */\ninclude \"x.thrift\"\n/** S. */\nstruct S {}", "File.", "S."},
		{"line run before header", "// File.\nnamespace go x\nstruct S {}", "File.", ""},
		{"blank line before definition", "/** File. */\n\nstruct S {}", "File.", ""},
		{"directly above definition", "/** S. */\nstruct S {}", "", "S."},
		{"two doc comments", "/** File. */\n/** S. */\nstruct S {}", "File.", "S."},
		{"license block then definition", "/* License. */\n\n/** S. */\nstruct S {}", "", "S."},
		{"line comment directly above", "// S.\nstruct S {}", "", "S."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustParse(t, tt.src)
			assert.Equal(t, tt.file, f.Doc)
			assert.Equal(t, tt.def, f.Structs[0].Doc)
		})
	}
}
