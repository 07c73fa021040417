package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/govolo/volo/cmd/volo/internal/project"
)

// Exit codes of [Run].
const (
	ExitOK      = 0
	ExitFailure = 1 // the command failed
	ExitUsage   = 2 // unknown command or flag, wrong arguments
)

// ErrUsage marks a command line that does not parse.
var ErrUsage = errors.New("usage error")

// command is a subcommand.
type command struct {
	name     string // "init", "idl add"
	synopsis string // after "volo <name> "
	doc      string // what it does, for -h
	// flags declares the command's flags; run runs it with the
	// positional arguments.
	flags func(fs *flag.FlagSet) func(ctx context.Context, env *env, args []string) error
}

// env is where a command writes.
type env struct {
	stdout, stderr io.Writer
}

// overview is the top of volo help.
const overview = `volo creates and regenerates Go projects of volo services from Thrift IDL.

Usage:

	volo <command> [flags] [arguments]

Commands:
`

// Run runs the volo command line args (without the program name), writing
// to stdout and stderr, and returns the exit code: ExitOK, ExitFailure
// when the command fails, ExitUsage for a command line that does not
// parse (the usage goes to stderr).
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	e := &env{stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		usage(stderr)
		return ExitUsage
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			if c := lookup(args[1:]); c != nil {
				c.usage(stdout)
				return ExitOK
			}
			fmt.Fprintf(stderr, "volo help: unknown command %q\n", strings.Join(args[1:], " "))
			usage(stderr)
			return ExitUsage
		}
		usage(stdout)
		return ExitOK
	}
	c := lookup(args)
	if c == nil {
		fmt.Fprintf(stderr, "volo: unknown command %q\n\n", strings.Join(args[:min(2, len(args))], " "))
		usage(stderr)
		return ExitUsage
	}
	rest := args[len(strings.Fields(c.name)):]
	fs := flag.NewFlagSet("volo "+c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	run := c.flags(fs)
	pos, err := parse(fs, rest)
	if errors.Is(err, flag.ErrHelp) {
		c.usage(stdout, fs)
		return ExitOK
	}
	if err == nil {
		err = run(ctx, e, pos)
	}
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, ErrUsage) || isFlagError(err):
		fmt.Fprintf(stderr, "volo %s: %v\n\n", c.name, strings.TrimPrefix(err.Error(), ErrUsage.Error()+": "))
		c.usage(stderr, fs)
		return ExitUsage
	}
	report(stderr, err)
	return ExitFailure
}

// flagError is an error of the flag package.
type flagError struct{ err error }

func (e *flagError) Error() string { return e.err.Error() }

func isFlagError(err error) bool {
	var fe *flagError
	return errors.As(err, &fe)
}

// parse parses flags anywhere among the arguments, as go's commands do,
// and returns the positional arguments; after "--" everything is
// positional.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &flagError{err}
		}
		rest := fs.Args()
		consumed := len(args) - len(rest)
		if consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// report writes a failure: positioned IDL errors as they are, one per
// line, so that editors can jump to them; others after "volo: ".
func report(w io.Writer, err error) {
	var ie *project.IDLError
	if errors.As(err, &ie) {
		fmt.Fprintln(w, ie.Error())
		return
	}
	fmt.Fprintln(w, "volo:", err)
}

// lookup finds the command args start with: two words before one.
func lookup(args []string) *command {
	for _, n := range []int{2, 1} {
		if len(args) < n {
			continue
		}
		name := strings.Join(args[:n], " ")
		for _, c := range commands {
			if c.name == name {
				return c
			}
		}
	}
	return nil
}

// usage writes the list of commands.
func usage(w io.Writer) {
	fmt.Fprint(w, overview)
	for _, c := range commands {
		fmt.Fprintf(w, "\tvolo %s %s\n", c.name, c.synopsis)
	}
	fmt.Fprint(w, "\nRun \"volo help <command>\" or \"volo <command> -h\" for a command's flags.\n")
}

// usage writes the command's synopsis, what it does and its flags; fs is
// its flag set if it has been made.
func (c *command) usage(w io.Writer, fs ...*flag.FlagSet) {
	fmt.Fprintf(w, "Usage: volo %s %s\n\n%s\n", c.name, c.synopsis, c.doc)
	var f *flag.FlagSet
	if len(fs) > 0 {
		f = fs[0]
	} else {
		f = flag.NewFlagSet(c.name, flag.ContinueOnError)
		c.flags(f)
	}
	has := false
	f.VisitAll(func(*flag.Flag) { has = true })
	if has {
		fmt.Fprint(w, "\nFlags:\n")
		f.SetOutput(w)
		f.PrintDefaults()
		f.SetOutput(io.Discard)
	}
}

// usageErrorf returns an ErrUsage error.
func usageErrorf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrUsage, fmt.Sprintf(format, args...))
}

// list is a flag that may be repeated.
type list []string

func (l *list) String() string { return strings.Join(*l, ",") }

func (l *list) Set(s string) error {
	*l = append(*l, s)
	return nil
}
