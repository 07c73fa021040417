package project

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
)

// RepoCache is where a project keeps its clones, ignored by git.
const RepoCache = ".volo/repos"

// gitignore is the .gitignore volo writes: the clones are a cache that
// volo gen restores from volo.yml.
const gitignore = "# volo's clones of IDL repositories: volo gen restores them from volo.yml.\n/.volo/\n"

// runGit runs git with args in dir ("" for the current directory) and
// returns its output, trimmed.
func runGit(ctx context.Context, dir string, args ...string) (string, error) {
	gitCmd, err := exec.LookPath("git")
	if err != nil {
		return "", ErrNoGit
	}
	cmd := exec.CommandContext(ctx, gitCmd, args...)
	cmd.Dir = dir
	// Never wait for a password on a terminal.
	cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return "", fmt.Errorf("%w: git %s: %s", ErrGit, args[0], msg)
	}
	return strings.TrimSpace(stdout.String()), nil
}

// repoDir is the clone of repo name.
func (p *Project) repoDir(name string) string { return p.path(path.Join(RepoCache, name)) }

// RepoOptions are the arguments of [Project.AddRepo].
type RepoOptions struct {
	// URL is what git clones.
	URL string
	// Ref is the branch, tag or commit to pin; "" for the remote's
	// default branch.
	Ref string
	// Name is the repo's name in volo.yml; "" for the URL's last element
	// without ".git".
	Name string
}

// AddRepo clones a git repository into .volo/repos/<name>, pins it to the
// commit Ref resolves to, and records it in volo.yml.
func (p *Project) AddRepo(ctx context.Context, o RepoOptions) error {
	name := o.Name
	if name == "" {
		name = strings.TrimSuffix(path.Base(strings.TrimRight(filepath.ToSlash(o.URL), "/")), ".git")
	}
	if !repoName.MatchString(name) {
		return fmt.Errorf("%w: repo name %q is not a simple name; give one with -name", ErrConfig, name)
	}
	if p.Config.Repos[name] != nil {
		return fmt.Errorf("%w: repo %s", ErrDuplicate, name)
	}
	dir := p.repoDir(name)
	// A clone left over from an earlier repo of that name is replaced.
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := clone(ctx, o.URL, dir); err != nil {
		return err
	}
	ref := o.Ref
	if ref == "" {
		head, err := runGit(ctx, dir, "symbolic-ref", "--short", "refs/remotes/origin/HEAD")
		ref = strings.TrimPrefix(head, "origin/")
		if err != nil || ref == "" {
			ref = "HEAD"
		}
	}
	commit, err := resolve(ctx, dir, ref)
	if err != nil {
		os.RemoveAll(dir)
		return err
	}
	if err := checkout(ctx, dir, commit); err != nil {
		return err
	}
	if p.Config.Repos == nil {
		p.Config.Repos = make(map[string]*Repo)
	}
	p.Config.Repos[name] = &Repo{URL: o.URL, Ref: ref, Commit: commit}
	if err := p.ensureGitignore(); err != nil {
		return err
	}
	p.printf("repo %s: %s at %s (%s)", name, o.URL, ref, commit[:12])
	return writeConfig(p.Dir, p.Config)
}

// UpdateRepo moves the pin of repo name (of every repo, for "") to the
// newest commit of its ref, and regenerates.
func (p *Project) UpdateRepo(ctx context.Context, name string) error {
	names := p.Config.repoNames()
	if name != "" {
		if p.Config.Repos[name] == nil {
			return fmt.Errorf("%w %q", ErrUnknownRepo, name)
		}
		names = []string{name}
	}
	for _, n := range names {
		r := p.Config.Repos[n]
		dir := p.repoDir(n)
		if !exists(dir) {
			if err := clone(ctx, r.URL, dir); err != nil {
				return err
			}
		} else if _, err := runGit(ctx, dir, "fetch", "--quiet", "--tags", "--force", "origin"); err != nil {
			return err
		}
		commit, err := resolve(ctx, dir, r.Ref)
		if err != nil {
			return err
		}
		if commit == r.Commit {
			p.printf("repo %s: %s is at %s already", n, r.Ref, commit[:12])
			continue
		}
		p.printf("repo %s: %s moves from %s to %s", n, r.Ref, r.Commit[:12], commit[:12])
		r.Commit = commit
	}
	if err := p.Gen(ctx); err != nil {
		return err
	}
	return writeConfig(p.Dir, p.Config)
}

// ensureRepo makes the clone of repo name hold its pinned commit, cloning
// or fetching as needed.
func (p *Project) ensureRepo(ctx context.Context, name string) error {
	r := p.Config.Repos[name]
	dir := p.repoDir(name)
	if !exists(filepath.Join(dir, ".git")) {
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
		if err := clone(ctx, r.URL, dir); err != nil {
			return err
		}
	}
	if _, err := runGit(ctx, dir, "cat-file", "-e", r.Commit+"^{commit}"); err != nil {
		if _, err := runGit(ctx, dir, "fetch", "--quiet", "--tags", "--force", "origin"); err != nil {
			return err
		}
		if _, err := runGit(ctx, dir, "cat-file", "-e", r.Commit+"^{commit}"); err != nil {
			return fmt.Errorf("%w: commit %s of repo %s is not in %s", ErrGit, r.Commit, name, r.URL)
		}
	}
	return checkout(ctx, dir, r.Commit)
}

// clone clones url into dir without checking anything out.
func clone(ctx context.Context, url, dir string) error {
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return err
	}
	_, err := runGit(ctx, "", "clone", "--quiet", "--no-checkout", "--", url, dir)
	return err
}

// checkout puts the work tree of dir at commit, whatever was changed in it.
func checkout(ctx context.Context, dir, commit string) error {
	_, err := runGit(ctx, dir, "-c", "advice.detachedHead=false", "checkout", "--quiet", "--force", "--detach", commit)
	return err
}

// resolve returns the commit ref names in the clone dir: a branch of
// origin, a tag, or a commit.
func resolve(ctx context.Context, dir, ref string) (string, error) {
	for _, cand := range []string{"refs/remotes/origin/" + ref, "refs/tags/" + ref, ref} {
		if sha, err := runGit(ctx, dir, "rev-parse", "--verify", "--quiet", cand+"^{commit}"); err == nil && isSHA(sha) {
			return sha, nil
		}
	}
	return "", fmt.Errorf("%w: %q is no branch, tag or commit of the repository", ErrGit, ref)
}

// ensureGitignore makes the project's .gitignore ignore the clones.
func (p *Project) ensureGitignore() error {
	name := p.path(".gitignore")
	data, err := os.ReadFile(name)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if l := strings.TrimSpace(line); l == "/.volo/" || l == ".volo/" || l == ".volo" || l == "/.volo" {
			return nil
		}
	}
	if len(data) > 0 && !bytes.HasSuffix(data, []byte("\n")) {
		data = append(data, '\n')
	}
	return writeFile(name, append(data, gitignore...))
}
