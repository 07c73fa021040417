package cli

import (
	"context"
	"flag"
	"fmt"

	"github.com/govolo/volo/cmd/volo/internal/project"
)

// commands lists the subcommands, in the order help shows them.
var commands = []*command{
	{
		name:     "init",
		synopsis: "[-o dir] [-fastcodec] [-unknown-fields] [-I dir]... [-replace clone | -no-replace] [-no-tidy] <module> <idl>",
		doc: `Init creates a runnable Go module in dir (default: the current directory),
which must be empty or not exist: go.mod, volo.yml, the IDL copied under
idl/ with everything it includes, the generated code under gen/, a server
(cmd/server) with a stub handler for every service of the IDL, and a client
(cmd/client) that calls every method. Then it runs go mod tidy.

The IDL is a .thrift file, or a .proto file (no protoc needed): then the
messages are protoc-gen-go's, the stubs, server and client are volo/grpc's,
and -I directories are searched for imports as protoc's -I are.

volo's modules are not published yet: with -replace, go.mod replaces them
with a clone of the repository. When this volo was built from a clone, it
uses that clone unless -no-replace.`,
		flags: initFlags,
	},
	{
		name:     "idl add",
		synopsis: "[-C dir] [-fastcodec] [-unknown-fields] [-I dir]... [-repo name] <idl>",
		doc: `Idl add adds an IDL entry to volo.yml, copies the file and what it
includes under idl/ (unless they are in the project already), and
regenerates the code. With -repo, the IDL and the -I directories are paths
inside that repository of volo.yml (see volo repo add). The server and
client programs are not changed.`,
		flags: idlAddFlags,
	},
	{
		name:     "gen",
		synopsis: "[-C dir] | -idl file [-I dir]... -out dir -import path [-fastcodec] [-unknown-fields]",
		doc: `Gen regenerates every entry of volo.yml, checking out the pinned commit
of each repository first. It writes only what changes and removes the
generated files no entry generates any more. Without -C it finds volo.yml
in the current directory or above, so that go generate ./... runs it.

With -idl it needs no project: it generates that IDL into -out, whose
import path is -import, for build scripts.`,
		flags: genFlags,
	},
	{
		name:     "repo add",
		synopsis: "[-C dir] -g <git-url> [-r <branch, tag or commit>] [-name name]",
		doc: `Repo add clones a git repository into .volo/repos/<name> and records it
in volo.yml pinned to the commit -r names (default: the remote's default
branch). IDL entries name it with volo idl add -repo.`,
		flags: repoAddFlags,
	},
	{
		name:     "repo update",
		synopsis: "[-C dir] [name]",
		doc: `Repo update fetches the repository (every repository without a name),
moves its pin to the newest commit of its recorded ref, and regenerates.`,
		flags: repoUpdateFlags,
	},
}

// addProjectFlag declares -C and returns how to open the project.
func addProjectFlag(fs *flag.FlagSet) func(e *env) (*project.Project, error) {
	dir := fs.String("C", "", "the project's `dir` (default: the nearest directory with a volo.yml, from the current one up)")
	return func(e *env) (*project.Project, error) {
		if *dir != "" {
			return project.Open(*dir, e.stdout)
		}
		return project.Find(".", e.stdout)
	}
}

func initFlags(fs *flag.FlagSet) func(context.Context, *env, []string) error {
	var o project.InitOptions
	var includes list
	fs.StringVar(&o.Dir, "o", ".", "`dir` of the new project")
	fs.BoolVar(&o.FastCodec, "fastcodec", false, "also generate FastWriteNocopy, for Kitex (imports cloudwego/gopkg)")
	fs.BoolVar(&o.UnknownFields, "unknown-fields", false, "keep the fields structs do not know and write them again (for proxies)")
	fs.Var(&includes, "I", "`dir` to search for includes, or a .proto file's imports (repeatable)")
	replace := fs.String("replace", "", "`clone` of the volo repository whose modules go.mod uses instead of the published ones")
	noReplace := fs.Bool("no-replace", false, "no replace directives, even when volo runs from a clone")
	fs.BoolVar(&o.NoTidy, "no-tidy", false, "do not run go mod tidy")
	return func(ctx context.Context, e *env, args []string) error {
		if len(args) != 2 {
			return usageErrorf("want a module path and an IDL file, got %d arguments", len(args))
		}
		if *replace != "" && *noReplace {
			return usageErrorf("-replace and -no-replace exclude each other")
		}
		o.Module, o.IDL, o.Includes, o.Replace = args[0], args[1], includes, *replace
		fromClone := false
		if o.Replace == "" && !*noReplace {
			if clone, ok := project.SourceClone(); ok {
				o.Replace, fromClone = clone, true
			}
		}
		if _, err := project.Init(ctx, o, e.stdout); err != nil {
			return err
		}
		if fromClone {
			fmt.Fprintf(e.stdout, "(the clone is the one this volo was built from; -no-replace leaves go.mod without it)\n")
		}
		cd := ""
		if o.Dir != "." {
			cd = "cd " + o.Dir + " && "
		}
		fmt.Fprintf(e.stdout, "done: %sgo run ./cmd/server, then go run ./cmd/client\n", cd)
		return nil
	}
}

func idlAddFlags(fs *flag.FlagSet) func(context.Context, *env, []string) error {
	open := addProjectFlag(fs)
	var o project.AddOptions
	var includes list
	fs.BoolVar(&o.FastCodec, "fastcodec", false, "also generate FastWriteNocopy, for Kitex (imports cloudwego/gopkg)")
	fs.BoolVar(&o.UnknownFields, "unknown-fields", false, "keep the fields structs do not know and write them again (for proxies)")
	fs.Var(&includes, "I", "`dir` to search for includes, or a .proto file's imports (repeatable)")
	fs.StringVar(&o.Repo, "repo", "", "`name` of the repository of volo.yml the IDL is in")
	return func(ctx context.Context, e *env, args []string) error {
		if len(args) != 1 {
			return usageErrorf("want one IDL file, got %d arguments", len(args))
		}
		p, err := open(e)
		if err != nil {
			return err
		}
		o.IDL, o.Includes = args[0], includes
		return p.AddIDL(ctx, o)
	}
}

func genFlags(fs *flag.FlagSet) func(context.Context, *env, []string) error {
	dir := fs.String("C", "", "the project's `dir` (default: the nearest directory with a volo.yml, from the current one up)")
	var o project.GenOptions
	var includes list
	fs.StringVar(&o.IDL, "idl", "", "without a project: the IDL `file` to generate")
	fs.Var(&includes, "I", "with -idl: `dir` to search for includes (repeatable)")
	fs.StringVar(&o.Out, "out", "", "with -idl: `dir` to write into")
	fs.StringVar(&o.ImportPath, "import", "", "with -idl: import `path` of -out")
	fs.BoolVar(&o.FastCodec, "fastcodec", false, "with -idl: also generate FastWriteNocopy")
	fs.BoolVar(&o.UnknownFields, "unknown-fields", false, "with -idl: keep unknown fields to write them again")
	return func(ctx context.Context, e *env, args []string) error {
		if len(args) != 0 {
			return usageErrorf("unexpected arguments %q", args)
		}
		o.Includes = includes
		if o.IDL != "" {
			switch {
			case *dir != "":
				return usageErrorf("-C and -idl exclude each other")
			case o.Out == "" || o.ImportPath == "":
				return usageErrorf("-idl needs -out and -import")
			}
			return project.GenerateTo(o, e.stdout)
		}
		if o.Out != "" || o.ImportPath != "" || o.FastCodec || o.UnknownFields || len(includes) > 0 {
			return usageErrorf("-out, -import, -fastcodec, -unknown-fields and -I go with -idl; a project's options are in volo.yml")
		}
		var p *project.Project
		var err error
		if *dir != "" {
			p, err = project.Open(*dir, e.stdout)
		} else {
			p, err = project.Find(".", e.stdout)
		}
		if err != nil {
			return err
		}
		return p.Gen(ctx)
	}
}

func repoAddFlags(fs *flag.FlagSet) func(context.Context, *env, []string) error {
	open := addProjectFlag(fs)
	var o project.RepoOptions
	fs.StringVar(&o.URL, "g", "", "`url` of the git repository")
	fs.StringVar(&o.Ref, "r", "", "`ref` (branch, tag or commit) to pin (default: the remote's default branch)")
	fs.StringVar(&o.Name, "name", "", "`name` of the repo in volo.yml (default: the URL's last element)")
	return func(ctx context.Context, e *env, args []string) error {
		if len(args) != 0 {
			return usageErrorf("unexpected arguments %q", args)
		}
		if o.URL == "" {
			return usageErrorf("-g is required")
		}
		p, err := open(e)
		if err != nil {
			return err
		}
		return p.AddRepo(ctx, o)
	}
}

func repoUpdateFlags(fs *flag.FlagSet) func(context.Context, *env, []string) error {
	open := addProjectFlag(fs)
	return func(ctx context.Context, e *env, args []string) error {
		if len(args) > 1 {
			return usageErrorf("want at most one repo name, got %d arguments", len(args))
		}
		p, err := open(e)
		if err != nil {
			return err
		}
		name := ""
		if len(args) == 1 {
			name = args[0]
		}
		return p.UpdateRepo(ctx, name)
	}
}
