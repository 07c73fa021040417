package project

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ConfigFile is the name of a project's configuration, in its root.
const ConfigFile = "volo.yml"

// DefaultOutput is the directory the generated code goes to.
const DefaultOutput = "gen"

// Config is volo.yml: where the generated code goes, the git repositories
// IDL comes from, and the IDL entries to generate.
type Config struct {
	// Output is the directory of the generated code, slash-separated and
	// relative to the project; its import path is the module path
	// followed by it.
	Output string `yaml:"output"`
	// Repos are git repositories by name, each pinned to a commit.
	Repos map[string]*Repo `yaml:"repos,omitempty"`
	// IDLs are the entries to generate, in order.
	IDLs []*Entry `yaml:"idls"`
}

// Repo is a git repository IDL entries read from, cloned into
// .volo/repos/<name>.
type Repo struct {
	// URL is what git clones.
	URL string `yaml:"url"`
	// Ref is the branch (or tag, or commit) the pin follows: repo update
	// moves Commit to its newest commit.
	Ref string `yaml:"ref"`
	// Commit is the full SHA the code is generated from.
	Commit string `yaml:"commit"`
}

// Entry is one IDL file to generate, with what it includes.
type Entry struct {
	// Repo names the repository Path is in; "" for a file of the project.
	Repo string `yaml:"repo,omitempty"`
	// Path is the IDL file, slash-separated, relative to the project (or
	// to the repository's root).
	Path string `yaml:"path"`
	// Includes are directories searched for includes not found next to
	// the including file, relative as Path is.
	Includes []string `yaml:"includes,omitempty"`
	// FastCodec adds the FastWriteNocopy files for Kitex interoperability
	// (gen.WithFastCodec).
	FastCodec bool `yaml:"fastcodec,omitempty"`
	// UnknownFields makes structs keep the fields they do not know and
	// write them again, for proxies (gen.WithUnknownFields).
	UnknownFields bool `yaml:"unknown_fields,omitempty"`
}

// key identifies an entry.
func (e *Entry) key() string { return e.Repo + ":" + e.Path }

// flags are the entry's generator options.
func (e *Entry) flags() genFlags {
	return genFlags{fastCodec: e.FastCodec, unknownFields: e.UnknownFields}
}

// name is how messages name an entry.
func (e *Entry) name() string {
	if e.Repo != "" {
		return e.Repo + ":" + e.Path
	}
	return e.Path
}

const configHeader = `# volo.yml: the IDL this project's code is generated from. volo gen (or
# go generate ./...) regenerates it; volo idl add and volo repo add/update
# edit this file, and so may you. Paths are slash-separated, relative to
# this file, or for an entry with a repo to the repository's root.
`

// repoName is what a repo may be called: it names a directory.
var repoName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// readConfig reads and checks dir's volo.yml.
func readConfig(dir string) (*Config, error) {
	file := filepath.Join(dir, ConfigFile)
	data, err := os.ReadFile(file)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%w in %s", ErrNoProject, dir)
		}
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: %s: %v", ErrConfig, file, err)
	}
	if err := c.check(); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrConfig, file, err)
	}
	return &c, nil
}

// check reports what makes no sense in c.
func (c *Config) check() error {
	if c.Output == "" {
		c.Output = DefaultOutput
	}
	if !localPath(c.Output) || c.Output == "." {
		return fmt.Errorf("output %q is not a directory inside the project", c.Output)
	}
	for name, r := range c.Repos {
		switch {
		case r == nil || r.URL == "":
			return fmt.Errorf("repo %s has no url", name)
		case !repoName.MatchString(name):
			return fmt.Errorf("repo name %q is not a simple name", name)
		case !isSHA(r.Commit):
			return fmt.Errorf("repo %s: commit %q is not a full SHA", name, r.Commit)
		}
	}
	seen := make(map[string]bool)
	for i, e := range c.IDLs {
		switch {
		case e == nil || e.Path == "":
			return fmt.Errorf("idl entry %d has no path", i+1)
		case !localPath(e.Path):
			return fmt.Errorf("idl path %q is not inside the project or repo", e.Path)
		case e.Repo != "" && c.Repos[e.Repo] == nil:
			return fmt.Errorf("idl %s: %w %q", e.Path, ErrUnknownRepo, e.Repo)
		case seen[e.key()]:
			return fmt.Errorf("idl %s is listed twice", e.name())
		}
		for _, inc := range e.Includes {
			if !localPath(inc) {
				return fmt.Errorf("idl %s: include directory %q is not inside the project or repo", e.Path, inc)
			}
		}
		seen[e.key()] = true
	}
	return nil
}

// writeConfig writes c to dir's volo.yml.
func writeConfig(dir string, c *Config) error {
	var b bytes.Buffer
	b.WriteString(configHeader)
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(c); err != nil {
		return fmt.Errorf("%w: %v", ErrConfig, err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("%w: %v", ErrConfig, err)
	}
	return writeFile(filepath.Join(dir, ConfigFile), b.Bytes())
}

// localPath reports whether p is a clean relative slash path that stays
// inside its root.
func localPath(p string) bool {
	return p != "" && !path.IsAbs(p) && !strings.Contains(p, "\\") && filepath.IsLocal(filepath.FromSlash(p)) && path.Clean(p) == p
}

// isSHA reports whether s is a full hexadecimal commit id.
func isSHA(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune("0123456789abcdef", r) {
			return false
		}
	}
	return true
}

// repoNames returns the names of c's repos, sorted.
func (c *Config) repoNames() []string {
	names := make([]string, 0, len(c.Repos))
	for n := range c.Repos {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
