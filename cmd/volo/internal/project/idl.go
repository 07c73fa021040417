package project

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/govolo/volo/pilota/gen"
	"github.com/govolo/volo/pilota/pbgen"
	"github.com/govolo/volo/pilota/thriftidl"
)

// IDLDir is the project directory IDL files are copied into.
const IDLDir = "idl"

// program is a loaded IDL file with what it includes: Thrift, or
// protobuf for a .proto file.
type program struct {
	thrift *thriftidl.Program
	proto  *pbgen.Program
}

// isProto reports whether an IDL file is protobuf.
func isProto(file string) bool { return strings.EqualFold(path.Ext(filepath.ToSlash(file)), ".proto") }

// loadIDL loads an IDL file and what it includes.
func loadIDL(file string, includes []string) (*program, error) {
	if fi, err := os.Stat(file); err != nil || fi.IsDir() {
		return nil, fmt.Errorf("%w: %s", ErrNoIDL, file)
	}
	if isProto(file) {
		prog, err := pbgen.Load(file, pbgen.WithImportDirs(includes...))
		switch {
		case errors.Is(err, pbgen.ErrNoFile):
			return nil, fmt.Errorf("%w: %s", ErrNoIDL, file)
		case err != nil:
			return nil, &IDLError{Kind: ErrBadIDL, Err: err}
		}
		return &program{proto: prog}, nil
	}
	prog, err := thriftidl.Load(file, thriftidl.WithIncludeDirs(includes...))
	if err != nil {
		return nil, &IDLError{Kind: ErrBadIDL, Err: err}
	}
	return &program{thrift: prog}, nil
}

// genFlags are the generator's options an entry or a command sets.
type genFlags struct {
	fastCodec, unknownFields bool
}

// generate runs the generator on prog.
func generate(prog *program, importPath string, f genFlags) ([]gen.File, error) {
	if prog.proto != nil {
		if f.fastCodec || f.unknownFields {
			return nil, fmt.Errorf("%w: fastcodec and unknown_fields are Thrift options, and %s is a .proto file", ErrConfig, prog.proto.Main.Path)
		}
		pf, err := pbgen.Generate(prog.proto, importPath)
		if err != nil {
			return nil, &IDLError{Kind: ErrGenerate, Err: err}
		}
		files := make([]gen.File, len(pf))
		for i, f := range pf {
			files[i] = gen.File{Path: f.Path, Package: path.Join(importPath, path.Dir(f.Path)), Content: f.Content}
		}
		return files, nil
	}
	files, err := gen.Generate(prog.thrift, importPath, gen.WithFastCodec(f.fastCodec), gen.WithUnknownFields(f.unknownFields))
	if err != nil {
		if errors.Is(err, gen.ErrGenerate) {
			return nil, &IDLError{Kind: ErrGenerate, Err: err}
		}
		return nil, fmt.Errorf("%w: %v", ErrGenerate, err)
	}
	return files, nil
}

// copyPlan is how an IDL and its includes enter a project.
type copyPlan struct {
	// entry is the volo.yml entry, with project-relative paths.
	entry *Entry
	// copies maps a destination (slash path relative to the project) to
	// its source file; none when the files are in the project already.
	copies map[string]string
}

// planCopy decides where the files of prog go in the project at dir: when
// they and the include directories they are found through are all inside
// the project, they stay; otherwise all of them are copied under idl/,
// keeping their layout relative to their deepest common directory, so
// that every include still resolves, next to its file or through the
// recorded include directories.
func planCopy(dir string, p *program, includes []string) (*copyPlan, error) {
	if p.proto != nil {
		return planCopyProto(dir, p.proto, includes)
	}
	prog := p.thrift
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			return filepath.Clean(p)
		}
		return a
	}
	absIncs := make([]string, len(includes))
	for i, d := range includes {
		absIncs[i] = abs(d)
	}
	used := make([]bool, len(includes))
	var files []string
	for _, f := range prog.Files {
		from := abs(f.Path)
		files = append(files, from)
		for _, inc := range f.Includes {
			if inc.File == nil {
				continue
			}
			if filepath.IsAbs(filepath.FromSlash(inc.Path)) {
				return nil, fmt.Errorf("%w: %s: include %q is an absolute path, which a copy of the IDL cannot keep", ErrBadIDL, inc.Pos, inc.Path)
			}
			found := abs(inc.File.Path)
			if filepath.Join(filepath.Dir(from), filepath.FromSlash(inc.Path)) == found {
				continue
			}
			for i, d := range absIncs {
				if filepath.Join(d, filepath.FromSlash(inc.Path)) == found {
					used[i] = true
					break
				}
			}
		}
	}
	var dirs []string // include directories the entry needs
	for i, d := range absIncs {
		if used[i] {
			dirs = append(dirs, d)
		}
	}
	mainFile := abs(prog.Main.Path)

	inside := true
	for _, p := range append(append([]string{}, files...), dirs...) {
		if _, ok := within(absDir, p); !ok {
			inside = false
		}
	}
	plan := &copyPlan{entry: &Entry{}, copies: make(map[string]string)}
	if inside {
		plan.entry.Path, _ = within(absDir, mainFile)
		for _, d := range dirs {
			rel, _ := within(absDir, d)
			plan.entry.Includes = append(plan.entry.Includes, rel)
		}
		return plan, nil
	}
	root := filepath.Dir(files[0])
	for _, f := range files[1:] {
		root = commonDir(root, filepath.Dir(f))
	}
	for _, d := range dirs {
		root = commonDir(root, d)
	}
	dest := func(p string) string {
		rel, _ := within(root, p)
		return path.Join(IDLDir, rel)
	}
	for _, f := range files {
		plan.copies[dest(f)] = f
	}
	plan.entry.Path = dest(mainFile)
	for _, d := range dirs {
		plan.entry.Includes = append(plan.entry.Includes, dest(d))
	}
	return plan, nil
}

// planCopyProto is planCopy for a .proto file: the files stay when they
// and the import directories they are found in are inside the project;
// otherwise each is copied to idl/<its import name>, so that idl/ (or the
// main file's directory) resolves every import.
func planCopyProto(dir string, prog *pbgen.Program, includes []string) (*copyPlan, error) {
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			return filepath.Clean(p)
		}
		return a
	}
	// The include directories the files were found in, in -I order; the
	// main file's own directory is searched without one.
	mainDir := abs(filepath.Dir(prog.Main.Path))
	mainInInclude := prog.Main.Name != filepath.Base(prog.Main.Path) || abs(prog.Main.Dir) != mainDir
	var dirs []string
	for _, inc := range includes {
		d := abs(inc)
		for _, f := range prog.Files {
			if abs(f.Dir) == d && (d != mainDir || mainInInclude) && !slices.Contains(dirs, d) {
				dirs = append(dirs, d)
			}
		}
	}
	inside := true
	for _, f := range prog.Files {
		if _, ok := within(absDir, abs(f.Path)); !ok {
			inside = false
		}
	}
	for _, d := range dirs {
		if _, ok := within(absDir, d); !ok {
			inside = false
		}
	}
	plan := &copyPlan{entry: &Entry{}, copies: make(map[string]string)}
	if inside {
		plan.entry.Path, _ = within(absDir, abs(prog.Main.Path))
		for _, d := range dirs {
			rel, _ := within(absDir, d)
			plan.entry.Includes = append(plan.entry.Includes, rel)
		}
		return plan, nil
	}
	for _, f := range prog.Files {
		plan.copies[path.Join(IDLDir, f.Name)] = abs(f.Path)
	}
	plan.entry.Path = path.Join(IDLDir, prog.Main.Name)
	if path.Dir(plan.entry.Path) != IDLDir {
		plan.entry.Includes = []string{IDLDir}
	}
	return plan, nil
}

// within returns p relative to dir, slash-separated ("." for dir itself),
// and whether p is inside dir.
func within(dir, p string) (string, bool) {
	rel, err := filepath.Rel(dir, p)
	if err != nil || !filepath.IsLocal(rel) && rel != "." {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// commonDir returns the deepest directory that holds both a and b.
func commonDir(a, b string) string {
	for {
		if _, ok := within(a, b); ok {
			return a
		}
		parent := filepath.Dir(a)
		if parent == a {
			return a
		}
		a = parent
	}
}

// copyIDL copies the plan's files into the project at dir and returns
// those it created, so that a failure later can remove them. A file that
// exists with other contents is a conflict, and nothing is copied.
func copyIDL(dir string, plan *copyPlan) ([]string, error) {
	data := make(map[string][]byte)
	for dst, src := range plan.copies {
		b, err := os.ReadFile(src)
		if err != nil {
			return nil, err
		}
		target := filepath.Join(dir, filepath.FromSlash(dst))
		if old, err := os.ReadFile(target); err == nil && !bytes.Equal(old, b) {
			return nil, fmt.Errorf("%w: %s exists with other contents than %s", ErrConflict, target, src)
		}
		data[dst] = b
	}
	var created []string
	for dst, b := range data {
		target := filepath.Join(dir, filepath.FromSlash(dst))
		if exists(target) {
			continue
		}
		if err := writeFile(target, b); err != nil {
			return created, err
		}
		created = append(created, target)
	}
	return created, nil
}

// AddOptions are the arguments of [Project.AddIDL].
type AddOptions struct {
	// IDL is the file to add: a path, or with Repo a slash path inside
	// the repository.
	IDL string
	// Repo names a repository of volo.yml the IDL is in.
	Repo string
	// Includes are include directories: paths, or with Repo slash paths
	// inside the repository.
	Includes []string
	// FastCodec turns on gen.WithFastCodec for the entry.
	FastCodec bool
	// UnknownFields turns on gen.WithUnknownFields for the entry.
	UnknownFields bool
}

// AddIDL adds an IDL entry to volo.yml, copies the file and its includes
// under idl/ unless they are in the project already, and regenerates the
// code. On failure nothing changes.
func (p *Project) AddIDL(ctx context.Context, o AddOptions) error {
	var plan *copyPlan
	if o.Repo != "" {
		if p.Config.Repos[o.Repo] == nil {
			return fmt.Errorf("%w %q: volo repo add it first", ErrUnknownRepo, o.Repo)
		}
		e := &Entry{Repo: o.Repo, Path: path.Clean(filepath.ToSlash(o.IDL))}
		for _, inc := range o.Includes {
			e.Includes = append(e.Includes, path.Clean(filepath.ToSlash(inc)))
		}
		if err := e.checkPaths(); err != nil {
			return err
		}
		if err := p.ensureRepo(ctx, o.Repo); err != nil {
			return err
		}
		file, incs := p.entryPaths(e)
		if _, err := loadIDL(file, incs); err != nil {
			return err
		}
		plan = &copyPlan{entry: e}
	} else {
		prog, err := loadIDL(o.IDL, o.Includes)
		if err != nil {
			return err
		}
		if plan, err = planCopy(p.Dir, prog, o.Includes); err != nil {
			return err
		}
	}
	plan.entry.FastCodec = o.FastCodec
	plan.entry.UnknownFields = o.UnknownFields
	for _, e := range p.Config.IDLs {
		if e.key() == plan.entry.key() {
			return fmt.Errorf("%w: %s; edit its entry there", ErrDuplicate, e.name())
		}
	}
	created, err := copyIDL(p.Dir, plan)
	undo := func() {
		for _, f := range created {
			os.Remove(f)
		}
	}
	if err != nil {
		undo()
		return err
	}
	p.Config.IDLs = append(p.Config.IDLs, plan.entry)
	files, err := p.generateAll(ctx)
	if err == nil {
		err = p.writeOutput(files)
	}
	if err != nil {
		p.Config.IDLs = p.Config.IDLs[:len(p.Config.IDLs)-1]
		undo()
		return err
	}
	for _, f := range created {
		p.printf("copied %s", f)
	}
	p.printf("added %s to %s", plan.entry.name(), filepath.Join(p.Dir, ConfigFile))
	if err := writeConfig(p.Dir, p.Config); err != nil {
		return err
	}
	if !isProto(plan.entry.Path) {
		return nil
	}
	// The stubs import volo/grpc, which a Thrift project does not require.
	changed, err := p.requireRuntime(ctx, grpcModule)
	if err != nil {
		return err
	}
	if changed {
		p.printf("go.mod now requires %s, which the generated stubs import: run go mod tidy", grpcModule)
	}
	return nil
}

// checkPaths reports a path of e that leaves its root.
func (e *Entry) checkPaths() error {
	for _, s := range append([]string{e.Path}, e.Includes...) {
		if !localPath(s) {
			return fmt.Errorf("%w: %q is not a path inside repo %s", ErrNoIDL, s, e.Repo)
		}
	}
	return nil
}

// entryPaths returns the file and include directories of e.
func (p *Project) entryPaths(e *Entry) (string, []string) {
	base := p.Dir
	if e.Repo != "" {
		base = p.repoDir(e.Repo)
	}
	incs := make([]string, len(e.Includes))
	for i, inc := range e.Includes {
		incs[i] = filepath.Join(base, filepath.FromSlash(inc))
	}
	return filepath.Join(base, filepath.FromSlash(e.Path)), incs
}

// idlBase is the base name of an IDL file, as generated headers name it.
func idlBase(file string) string {
	return path.Base(strings.ReplaceAll(file, "\\", "/"))
}
