// Package thriftidl is a front end for Apache Thrift IDL: a lexer, a
// recursive-descent parser and a resolver that turn .thrift files into an
// AST for code generators. It follows the grammar of Apache Thrift's own
// compiler (thrifty.yy and thriftl.ll, version 0.25) and uses only the
// standard library.
//
// [Parse] parses one file. [Load] parses a file and everything it includes,
// once each, and resolves every name; its [Program] lists the files so that
// each comes after the files it includes.
//
// # The AST
//
// Every node has a [Pos]. A [File] keeps its includes, namespaces and
// definitions in source order: [File.Definitions] holds them all as
// [Definition] values (*[Typedef], *[Const], *[Enum], *[Senum], *[Struct],
// *[Service]), and typed slices hold them by kind. After Load, a named
// [Type] points at its definition ([Type.Ref], [Type.RefFile]),
// [Type.Underlying] follows typedefs, an identifier [ConstValue] points at
// the const or enum value it names, and a [Service] at the service it
// extends.
//
// # What is supported
//
// The whole grammar: include (names of an included file are written with
// the file's base name as prefix, shared.SharedStruct), cpp_include,
// namespace (also "*"), typedef, const, enum, senum, struct, union,
// exception, service with extends, oneway (and the old async), void,
// throws; field ids explicit or implicit, the three requirednesses, default
// values, ',' ';' or no separator; annotations wherever Apache takes them;
// the base types bool, byte and i8, i16, i32, i64, double, string, binary,
// uuid, and the old slist (a string); containers with the old cpp_type; the
// xsd_ modifiers and the '&' reference marker; comments with //, # and
// /* */. Const values are integers (decimal or hex, with a sign), doubles
// (with exponents), strings in either quote with the escapes \n \r \t \"
// \' and \\, true and false, lists and maps with ',' ';' or no separator,
// and references to consts and enum values: C, Enum.V, inc.C, inc.Enum.V.
//
// Keywords are those of Apache's lexer, and as there they may be field
// names but not other names; true and false are integers to the lexer, so
// they are never names. Names being defined may not contain a dot.
//
// Include paths are resolved relative to the including file, then relative
// to each directory given with [WithIncludeDirs]. [WithFS] reads files from
// an fs.FS instead of the operating system.
//
// # Doc comments
//
// A /** */ comment documents the definition, field, enum value or function
// that follows it, as Apache's doctext does; failing one, so does a run of
// // comments, each alone on its line, ending on the line just above. Doc
// text is cleaned of the comment markers, of a leading "*" on each line and
// of common indentation, and has no trailing newline. [File.Doc] is the
// first /** */ comment of the file (or, failing one, a // run) when it comes
// before the first header; when the file has no header, it is the first
// /** */ comment if it is set apart from the first definition by a blank
// line or by another doc comment.
//
// # Checks
//
// Load reports unknown types, consts, services and include prefixes;
// duplicate definitions in a file (types and services share a name space,
// consts have their own, as in Apache), duplicate field ids and names,
// enum value names and function names (also against the functions of the
// services extended); cycles of includes, typedefs, consts and extends;
// extends of something that is not a service; throws of a type that is not
// an exception; and const values that do not fit their type.
//
// Where this package is stricter than Apache:
//   - integers are checked against the range of i8, i16 and i32; a bool
//     takes true, false, 0 or 1; a list or set takes a list, and a map or
//     a struct takes a map, except that an empty {} or [] stands for an
//     empty container of either kind, as Apache's own tests write it;
//   - a reference to an enum value must name a value of the enum expected,
//     except that, as Apache looks only at the part after the last dot, a
//     reference whose prefix names no such value is taken as the expected
//     enum's value of that name;
//   - a oneway function must return void (Apache only warns);
//   - a field id above 32767 is an error (Apache warns and truncates);
//   - a double literal out of range, and a file over [MaxFileSize] bytes,
//     are errors; types and const values may nest 100 deep, typedef and
//     extends chains may be 100 long, consts may refer to consts 1000
//     deep, and includes may nest 256 files deep;
//   - slist in a type always means the old string list, even where a file
//     defines a type of that name.
//
// Where it is more lenient: types, consts and services may be used before
// they are defined; an optional ',' or ';' may follow any definition;
// annotations may follow a named type, a const's value and the "*"
// namespace; senum, which Apache no longer parses, is accepted. As in
// Apache, a field id that is not positive is replaced by an implicit one,
// exceptions may be used as field and container types, union fields may be
// marked required (Apache then treats them as optional), and map keys and
// set elements may be of any type.
//
// # Errors
//
// Parse and Load return an [ErrorList] of *[Error], at most [MaxErrors],
// each printed "file:line:col: message" as go/scanner prints them; the
// parser skips to the next definition after a syntax error, so one run
// reports several. Errors match [ErrSyntax] (lexing and parsing, and the
// limits above) or [ErrResolve] (names, types, values and cycles) with
// errors.Is. A missing include is reported at the include that names it and
// matches fs.ErrNotExist, as does a missing file given to Load. Nothing
// panics on bad input.
//
// See the examples for Parse and Load.
package thriftidl
