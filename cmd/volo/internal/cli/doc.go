// Package cli is the volo command's command line: it parses the
// subcommands (init, idl add, gen, repo add, repo update, help) and their
// flags, runs them through package project, and maps the outcome to an
// exit code: 0, 1 for a failure, 2 for a command line that does not parse,
// whose usage then goes to stderr. Flags may come before, between or after
// the positional arguments, as with go's commands.
package cli
