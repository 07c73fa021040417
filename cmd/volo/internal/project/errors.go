package project

import "errors"

// Sentinel errors, matched with errors.Is against what this package
// returns.
var (
	// ErrExists: init found a go.mod or a volo.yml in its directory.
	ErrExists = errors.New("a project exists already")
	// ErrNotEmpty: init's directory holds other files.
	ErrNotEmpty = errors.New("directory is not empty")
	// ErrNoProject: no volo.yml in the directory or above it.
	ErrNoProject = errors.New("no volo.yml found")
	// ErrConfig: volo.yml or go.mod cannot be read or makes no sense.
	ErrConfig = errors.New("invalid project configuration")
	// ErrModule: an invalid module path.
	ErrModule = errors.New("invalid module path")
	// ErrNoIDL: an IDL file that does not exist.
	ErrNoIDL = errors.New("idl file not found")
	// ErrBadIDL: an IDL that thriftidl (or, for a .proto file, pbgen)
	// refuses; the error is an *IDLError.
	ErrBadIDL = errors.New("invalid idl")
	// ErrGenerate: an IDL the generator cannot turn into Go; the error is
	// an *IDLError.
	ErrGenerate = errors.New("cannot generate")
	// ErrConflict: two IDL entries, or an entry and a file that volo did
	// not write, want one path with different contents.
	ErrConflict = errors.New("conflicting files")
	// ErrDuplicate: an IDL entry or a repo that volo.yml has already.
	ErrDuplicate = errors.New("already in volo.yml")
	// ErrUnknownRepo: a repo name that volo.yml does not have.
	ErrUnknownRepo = errors.New("unknown repo")
	// ErrNoGit: the git command is not installed.
	ErrNoGit = errors.New("git not found in PATH")
	// ErrGit: a git command failed.
	ErrGit = errors.New("git failed")
	// ErrNoGo: the go command is not installed.
	ErrNoGo = errors.New("go command not found")
	// ErrGo: a go command (go mod tidy) failed; the error holds its
	// output.
	ErrGo = errors.New("go command failed")
	// ErrNotClone: a -replace directory that is not a clone of the volo
	// repository.
	ErrNotClone = errors.New("not a clone of the volo repository")
	// ErrScaffold: the server and client programs cannot be written.
	ErrScaffold = errors.New("cannot write the programs")
)

// IDLError is an error at positions of IDL files: Kind is ErrBadIDL for
// what thriftidl or pbgen.Load reports, ErrGenerate for what the
// generator reports.
type IDLError struct {
	Kind error
	// Err is a thriftidl.ErrorList or a *gen.Error; for a .proto file,
	// *pbgen.Error values (errors.Join'ed) or a pbgen.ErrGenerate.
	Err error
}

// Error returns the positioned messages, "file:line:col: message", one per
// line.
func (e *IDLError) Error() string { return e.Err.Error() }

// Is reports whether target is e's Kind.
func (e *IDLError) Is(target error) bool { return target == e.Kind }

// Unwrap returns the errors of thriftidl, pbgen or the generator.
func (e *IDLError) Unwrap() error { return e.Err }
