package project

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Module paths of this repository.
const (
	repoModule = "github.com/govolo/volo"
	voloModule = repoModule + "/volo"
	// grpcModule is volo's gRPC runtime, which .proto projects need.
	grpcModule = voloModule + "/grpc"
	// ToolModule is the module of the volo command, which a project
	// requires as a tool so that go generate runs the same volo.
	ToolModule = repoModule + "/cmd/volo"
	// Version is the version projects require of the volo modules.
	Version = "v0.1.0"
)

// goMod is what volo reads of a go.mod: the module path, the
// requirements and the replaced modules' new paths.
type goMod struct {
	module   string
	requires []string
	replaces map[string]string
}

// readGoMod reads the module directive and the require directives of a
// go.mod, the only parts volo needs; comments and other directives are
// skipped.
func readGoMod(file string) (*goMod, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	m := &goMod{replaces: make(map[string]string)}
	inRequire, inReplace := false, false
	replace := func(f []string) {
		// old [version] => new [version]
		if i := slices.Index(f, "=>"); i >= 1 && i+1 < len(f) {
			m.replaces[unquote(f[0])] = unquote(f[i+1])
		}
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		switch {
		case len(f) == 0:
		case inRequire && f[0] == ")":
			inRequire = false
		case inRequire:
			m.requires = append(m.requires, unquote(f[0]))
		case inReplace && f[0] == ")":
			inReplace = false
		case inReplace:
			replace(f)
		case f[0] == "replace" && len(f) >= 2 && f[1] == "(":
			inReplace = true
		case f[0] == "replace":
			replace(f[1:])
		case f[0] == "module" && len(f) >= 2:
			m.module = unquote(f[1])
		case f[0] == "require" && len(f) >= 2 && f[1] == "(":
			inRequire = true
		case f[0] == "require" && len(f) >= 2:
			m.requires = append(m.requires, unquote(f[1]))
		}
	}
	if m.module == "" {
		return nil, fmt.Errorf("%w: %s has no module directive", ErrConfig, file)
	}
	return m, nil
}

func unquote(s string) string {
	if u, err := strconv.Unquote(s); err == nil {
		return u
	}
	return s
}

// modulePath returns the module path of a go.mod.
func modulePath(file string) (string, error) {
	m, err := readGoMod(file)
	if err != nil {
		return "", err
	}
	return m.module, nil
}

// CheckClone returns the absolute path of dir if it is a clone of the
// volo repository: its volo/go.mod and cmd/volo/go.mod declare volo's
// modules.
func CheckClone(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for mod, rel := range map[string]string{voloModule: "volo", ToolModule: "cmd/volo"} {
		m, err := readGoMod(filepath.Join(abs, filepath.FromSlash(rel), "go.mod"))
		if err != nil || m.module != mod {
			return "", fmt.Errorf("%w: %s has no %s/go.mod of module %s", ErrNotClone, dir, rel, mod)
		}
	}
	return abs, nil
}

// SourceClone returns the clone this command was built from, if it was
// built from one: the directory four levels above this source file
// (cmd/volo/internal/project), when it checks out as a clone. A binary
// built with -trimpath, or from the module cache, has no such directory.
func SourceClone() (string, bool) {
	_, file, _, ok := runtime.Caller(0)
	if !ok || !filepath.IsAbs(file) {
		return "", false
	}
	root := filepath.Dir(filepath.Dir(filepath.Dir(filepath.Dir(filepath.Dir(file)))))
	abs, err := CheckClone(root)
	if err != nil {
		return "", false
	}
	return abs, true
}

// replaces returns the modules of the clone a project needs replaced:
// volo, the volo command, the runtimes asked for, and every module of the
// repository they require, transitively, each with its directory in the
// clone.
func replaces(clone string, runtimes ...string) (map[string]string, error) {
	out := make(map[string]string)
	queue := append([]string{voloModule, ToolModule}, runtimes...)
	for len(queue) > 0 {
		mod := queue[0]
		queue = queue[1:]
		if _, ok := out[mod]; ok {
			continue
		}
		dir := filepath.Join(clone, filepath.FromSlash(strings.TrimPrefix(mod, repoModule+"/")))
		m, err := readGoMod(filepath.Join(dir, "go.mod"))
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrNotClone, err)
		}
		out[mod] = dir
		for _, r := range m.requires {
			if strings.HasPrefix(r, repoModule+"/") {
				queue = append(queue, r)
			}
		}
	}
	return out, nil
}

// newGoMod returns the go.mod of a new project: volo, the runtimes asked
// for (volo/grpc for a .proto project) and the volo command as a tool, and
// with clone != "" replace directives for every module of the repository
// the graph needs.
func newGoMod(module, clone string, runtimes ...string) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "module %s\n\ngo 1.25.0\n\nrequire (\n\t%s %s\n\t%s %s\n", module, ToolModule, Version, voloModule, Version)
	for _, r := range runtimes {
		fmt.Fprintf(&b, "\t%s %s\n", r, Version)
	}
	fmt.Fprintf(&b, ")\n\n// The volo command, which go generate runs (see gen/doc.go).\ntool %s\n", ToolModule)
	if clone == "" {
		return b.Bytes(), nil
	}
	reps, err := replaces(clone, runtimes...)
	if err != nil {
		return nil, err
	}
	mods := make([]string, 0, len(reps))
	for m := range reps {
		mods = append(mods, m)
	}
	sort.Strings(mods)
	fmt.Fprintf(&b, "\n// volo's modules are not published yet: they come from a clone.\nreplace (\n")
	for _, m := range mods {
		fmt.Fprintf(&b, "\t%s => %s\n", m, quoteModPath(reps[m]))
	}
	b.WriteString(")\n")
	return b.Bytes(), nil
}

// requireRuntime makes the project's go.mod require the runtime module mod
// (volo/grpc for a .proto entry) unless it does, with replace directives
// into the clone volo's module comes from when it comes from one, for mod
// and the siblings it needs that are not replaced yet. It reports whether
// it changed go.mod.
func (p *Project) requireRuntime(ctx context.Context, mod string) (bool, error) {
	m, err := readGoMod(filepath.Join(p.Dir, "go.mod"))
	if err != nil {
		return false, err
	}
	if slices.Contains(m.requires, mod) {
		return false, nil
	}
	args := []string{"mod", "edit", "-require=" + mod + "@" + Version}
	if dir, ok := m.replaces[voloModule]; ok {
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(p.Dir, dir)
		}
		reps, err := replaces(filepath.Dir(filepath.Clean(dir)), mod)
		if err != nil {
			return false, err
		}
		var mods []string
		for r := range reps {
			if _, done := m.replaces[r]; !done {
				mods = append(mods, r)
			}
		}
		sort.Strings(mods)
		for _, r := range mods {
			args = append(args, "-replace="+r+"="+filepath.ToSlash(reps[r]))
		}
	}
	return true, runGo(ctx, p.Dir, args...)
}

// quoteModPath quotes a file path for go.mod when it needs it.
func quoteModPath(p string) string {
	p = filepath.ToSlash(p)
	if strings.ContainsAny(p, " \t\"'`") {
		return strconv.Quote(p)
	}
	return p
}

// goCommand returns the go command: $GOROOT/bin/go when GOROOT is set (go
// generate and go test set it), else go from PATH.
func goCommand() (string, error) {
	if root := os.Getenv("GOROOT"); root != "" {
		name := filepath.Join(root, "bin", "go")
		if runtime.GOOS == "windows" {
			name += ".exe"
		}
		if _, err := os.Stat(name); err == nil {
			return name, nil
		}
	}
	name, err := exec.LookPath("go")
	if err != nil {
		return "", ErrNoGo
	}
	return name, nil
}

// runGo runs go with args in dir and returns ErrGo with its output when
// it fails.
func runGo(ctx context.Context, dir string, args ...string) error {
	goCmd, err := goCommand()
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, goCmd, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%w: go %s in %s: %v\n%s", ErrGo, strings.Join(args, " "), dir, err, bytes.TrimSpace(out))
	}
	return nil
}
