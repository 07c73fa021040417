package project_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/cmd/volo/internal/project"
)

// upstream is a git repository of IDL made for a test.
type upstream struct {
	t   *testing.T
	dir string
}

// newUpstream makes a repository named name with a first commit of
// api/svc.thrift (struct V1), which includes common/types.thrift through
// the repository's root as include directory.
func newUpstream(t *testing.T, name string) *upstream {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	// The tests' git must not depend on the user's configuration.
	t.Setenv("GIT_CONFIG_GLOBAL", os.DevNull)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	u := &upstream{t: t, dir: filepath.Join(t.TempDir(), name)}
	require.NoError(t, os.Mkdir(u.dir, 0o755))
	u.git("init", "--quiet", "--initial-branch=main")
	put(t, filepath.Join(u.dir, "common", "types.thrift"), "namespace go svc.types\nstruct Meta { 1: string id }\n")
	u.commit("V1")
	return u
}

// url is the repository's file:// URL.
func (u *upstream) url() string { return "file://" + filepath.ToSlash(u.dir) }

func (u *upstream) git(args ...string) string {
	u.t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=volo", "-c", "user.email=volo@example.com", "-c", "commit.gpgsign=false"}, args...)...)
	cmd.Dir = u.dir
	out, err := cmd.CombinedOutput()
	require.NoError(u.t, err, "git %v: %s", args, out)
	return strings.TrimSpace(string(out))
}

// commit writes api/svc.thrift with a struct named s, commits it and
// returns the commit.
func (u *upstream) commit(s string) string {
	u.t.Helper()
	put(u.t, filepath.Join(u.dir, "api", "svc.thrift"), "namespace go svc\ninclude \"common/types.thrift\"\nstruct "+s+" { 1: types.Meta meta }\nservice Svc { "+s+" get() }\n")
	u.git("add", "-A")
	u.git("commit", "--quiet", "-m", s)
	return u.git("rev-parse", "HEAD")
}

// generatedStruct returns the struct name of the generated svc package.
func generatedStruct(t *testing.T, p *project.Project) string {
	t.Helper()
	src := read(t, filepath.Join(p.Dir, "gen", "svc", "svc.go"))
	for _, l := range strings.Split(src, "\n") {
		if strings.HasPrefix(l, "type V") && strings.HasSuffix(l, " struct {") {
			return strings.Fields(l)[1]
		}
	}
	return ""
}

func TestRepoPinning(t *testing.T) {
	up := newUpstream(t, "shared-idl.git")
	first := up.git("rev-parse", "HEAD")
	p, _ := newProject(t)
	ctx := context.Background()
	var out bytes.Buffer
	p = reopen(t, p, &out)

	require.NoError(t, p.AddRepo(ctx, project.RepoOptions{URL: up.url()}))
	assert.Equal(t, &project.Repo{URL: up.url(), Ref: "main", Commit: first}, p.Config.Repos["shared-idl"], "named after the URL, on the default branch")
	assert.Contains(t, out.String(), "repo shared-idl: "+up.url()+" at main ("+first[:12]+")")
	clone := filepath.Join(p.Dir, ".volo", "repos", "shared-idl")
	assert.DirExists(t, clone)
	assert.Contains(t, read(t, filepath.Join(p.Dir, ".gitignore")), "/.volo/")
	assert.Contains(t, read(t, filepath.Join(p.Dir, "volo.yml")), "repos:\n  shared-idl:\n    url: "+up.url()+"\n    ref: main\n    commit: "+first+"\n")

	require.NoError(t, p.AddIDL(ctx, project.AddOptions{Repo: "shared-idl", IDL: "api/svc.thrift", Includes: []string{"."}}))
	assert.Equal(t, &project.Entry{Repo: "shared-idl", Path: "api/svc.thrift", Includes: []string{"."}}, p.Config.IDLs[1])
	assert.Equal(t, "V1", generatedStruct(t, p))
	assert.FileExists(t, filepath.Join(p.Dir, "gen", "svc", "types", "types.go"))
	assert.NoDirExists(t, filepath.Join(p.Dir, "idl", "api"), "a repo's IDL is not copied")

	// Upstream moves on; the pin does not.
	second := up.commit("V2")
	require.NoError(t, reopen(t, p, nil).Gen(ctx))
	assert.Equal(t, "V1", generatedStruct(t, p))

	// Gen checks the pinned commit out, whatever the clone holds, and
	// clones again what is gone.
	cloneGit := func(args ...string) string {
		out, err := exec.Command("git", append([]string{"-C", clone}, args...)...).CombinedOutput()
		require.NoError(t, err, "%s", out)
		return strings.TrimSpace(string(out))
	}
	cloneGit("fetch", "--quiet", "origin")
	cloneGit("checkout", "--quiet", "--detach", second)
	put(t, filepath.Join(clone, "api", "svc.thrift"), "garbage")
	out.Reset()
	require.NoError(t, reopen(t, p, &out).Gen(ctx))
	assert.Empty(t, out.String(), "nothing to regenerate")
	assert.Equal(t, first, cloneGit("rev-parse", "HEAD"))
	require.NoError(t, os.RemoveAll(filepath.Join(p.Dir, ".volo")))
	require.NoError(t, reopen(t, p, &out).Gen(ctx))
	assert.Empty(t, out.String())
	assert.Equal(t, first, cloneGit("rev-parse", "HEAD"))

	// A pin to a commit the clone lacks is fetched.
	third := up.commit("V3")
	yml := filepath.Join(p.Dir, "volo.yml")
	put(t, yml, strings.Replace(read(t, yml), first, third, 1))
	require.NoError(t, reopen(t, p, nil).Gen(ctx))
	assert.Equal(t, "V3", generatedStruct(t, p))
	put(t, yml, strings.Replace(read(t, yml), third, first, 1))
	require.NoError(t, reopen(t, p, nil).Gen(ctx))
	assert.Equal(t, "V1", generatedStruct(t, p))

	// Update moves the pin to the newest commit of the branch.
	out.Reset()
	p = reopen(t, p, &out)
	require.NoError(t, p.UpdateRepo(ctx, "shared-idl"))
	assert.Equal(t, third, p.Config.Repos["shared-idl"].Commit)
	assert.Equal(t, "V3", generatedStruct(t, p))
	assert.Contains(t, read(t, yml), "commit: "+third)
	assert.Contains(t, out.String(), "repo shared-idl: main moves from "+first[:12]+" to "+third[:12])
	out.Reset()
	require.NoError(t, reopen(t, p, &out).UpdateRepo(ctx, ""))
	assert.Equal(t, "repo shared-idl: main is at "+third[:12]+" already\n", out.String())
}

func TestRepoPinnedToCommit(t *testing.T) {
	up := newUpstream(t, "idl")
	first := up.git("rev-parse", "HEAD")
	up.commit("V2")
	p, _ := newProject(t)
	ctx := context.Background()
	p = reopen(t, p, nil)
	require.NoError(t, p.AddRepo(ctx, project.RepoOptions{URL: up.url(), Ref: first[:10], Name: "old"}))
	assert.Equal(t, &project.Repo{URL: up.url(), Ref: first[:10], Commit: first}, p.Config.Repos["old"])
	require.NoError(t, p.AddIDL(ctx, project.AddOptions{Repo: "old", IDL: "api/svc.thrift", Includes: []string{"."}}))
	assert.Equal(t, "V1", generatedStruct(t, p))
	up.commit("V3")
	require.NoError(t, p.UpdateRepo(ctx, "old"))
	assert.Equal(t, first, p.Config.Repos["old"].Commit, "a commit does not move")
}

func TestRepoErrors(t *testing.T) {
	up := newUpstream(t, "idl")
	ctx := context.Background()
	tests := []struct {
		name string
		run  func(p *project.Project) error
		want error
	}{
		{"bad url", func(p *project.Project) error {
			return p.AddRepo(ctx, project.RepoOptions{URL: "file:///nonexistent/repo"})
		}, project.ErrGit},
		{"bad ref", func(p *project.Project) error {
			return p.AddRepo(ctx, project.RepoOptions{URL: up.url(), Ref: "nope"})
		}, project.ErrGit},
		{"bad name", func(p *project.Project) error {
			return p.AddRepo(ctx, project.RepoOptions{URL: up.url(), Name: "../x"})
		}, project.ErrConfig},
		{"unknown repo", func(p *project.Project) error { return p.UpdateRepo(ctx, "nope") }, project.ErrUnknownRepo},
		{"path outside the repo", func(p *project.Project) error {
			if err := p.AddRepo(ctx, project.RepoOptions{URL: up.url()}); err != nil {
				return err
			}
			return p.AddIDL(ctx, project.AddOptions{Repo: "idl", IDL: "../x.thrift"})
		}, project.ErrNoIDL},
		{"missing file in the repo", func(p *project.Project) error {
			if err := p.AddRepo(ctx, project.RepoOptions{URL: up.url()}); err != nil {
				return err
			}
			return p.AddIDL(ctx, project.AddOptions{Repo: "idl", IDL: "api/nope.thrift"})
		}, project.ErrNoIDL},
		{"duplicate", func(p *project.Project) error {
			if err := p.AddRepo(ctx, project.RepoOptions{URL: up.url()}); err != nil {
				return err
			}
			return p.AddRepo(ctx, project.RepoOptions{URL: up.url()})
		}, project.ErrDuplicate},
		{"commit gone from the remote", func(p *project.Project) error {
			if err := p.AddRepo(ctx, project.RepoOptions{URL: up.url()}); err != nil {
				return err
			}
			if err := p.AddIDL(ctx, project.AddOptions{Repo: "idl", IDL: "api/svc.thrift", Includes: []string{"."}}); err != nil {
				return err
			}
			p.Config.Repos["idl"].Commit = strings.Repeat("0", 40)
			return p.Gen(ctx)
		}, project.ErrGit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _ := newProject(t)
			err := tt.run(reopen(t, p, nil))
			assert.ErrorIs(t, err, tt.want)
		})
	}
}

func TestRepoWithoutGit(t *testing.T) {
	p, _ := newProject(t)
	t.Setenv("PATH", t.TempDir())
	err := reopen(t, p, nil).AddRepo(context.Background(), project.RepoOptions{URL: "file:///x"})
	assert.ErrorIs(t, err, project.ErrNoGit)
	assert.Equal(t, "git not found in PATH", err.Error())
}
