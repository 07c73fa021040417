package scaffold_test

import (
	"context"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/govolo/volo/cmd/volo/internal/scaffold"
	"github.com/govolo/volo/pilota/gen"
	"github.com/govolo/volo/pilota/thriftidl"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// generate loads an IDL and generates it under example.com/p/gen.
func generate(t *testing.T, idl string) (*thriftidl.Program, []gen.File) {
	t.Helper()
	prog, err := thriftidl.Load(idl)
	require.NoError(t, err)
	files, err := gen.Generate(prog, "example.com/p/gen")
	require.NoError(t, err)
	return prog, files
}

// write runs Write on an IDL and returns the programs by path.
func write(t *testing.T, idl string) (map[string]string, []gen.File) {
	t.Helper()
	prog, files := generate(t, idl)
	var names []string
	for _, s := range prog.Main.Services {
		names = append(names, s.Name)
	}
	out, err := scaffold.Write(filepath.Base(idl), names, files)
	require.NoError(t, err)
	m := make(map[string]string)
	for _, f := range out {
		formatted, err := format.Source(f.Content)
		require.NoError(t, err)
		assert.Equal(t, string(formatted), string(f.Content), "%s is gofmt'd", f.Path)
		m[f.Path] = string(f.Content)
	}
	return m, files
}

func TestWriteUser(t *testing.T) {
	progs, _ := write(t, "../../testdata/user.thrift")
	require.Len(t, progs, 3)
	handler := progs[scaffold.ServerHandler]
	server := progs[scaffold.ServerMain]
	client := progs[scaffold.ClientMain]

	// Every method of each service, inherited ones included, once per
	// service in the handler and in the client.
	userMethods := []string{"Ping", "GetUser", "ListUsers", "UsersByID", "CreateUser", "UpdateProfile", "Touch", "RoleOf", "Avatar", "Exists", "Rating"}
	adminMethods := append(append([]string{}, userMethods...), "DeleteUser", "ResetProfile", "Status")
	for svc, methods := range map[string][]string{"UserService": userMethods, "AdminService": adminMethods} {
		assert.Contains(t, handler, "type "+svc+"Handler struct{}")
		assert.Contains(t, server, "user.Register"+svc+"(srv, &"+svc+"Handler{})")
		assert.Contains(t, client, "user.New"+svc+"Client(opts...)")
		for _, m := range methods {
			assert.Contains(t, handler, "func (h *"+svc+"Handler) "+m+"(ctx context.Context")
			assert.Contains(t, client, `{"`+svc+"."+m+`", func(ctx context.Context)`)
		}
		assert.Equal(t, len(methods), strings.Count(handler, "func (h *"+svc+"Handler) "), svc)
	}
	for _, want := range []string{
		// The parameter named like the package is renamed.
		"CreateUser(ctx context.Context, user_ *user.User, profile *user.Profile) (user.UserID, error)",
		// Struct results come from their constructors, with their
		// required struct fields set.
		"return user.NewUser(), nil",
		"r := user.NewProfile()\n\tr.Home = user.NewAddress()\n\treturn r, nil",
		// Zero results of every other kind.
		"return nil, nil", "return 0, nil", `return "", nil`, "return false, nil",
		"// TODO: implement GetUser.",
		`"example.com/p/gen/user/base"`,
	} {
		assert.Contains(t, handler, want)
	}
	for _, want := range []string{
		"profile := user.NewProfile()\n\t\t\tprofile.Home = user.NewAddress()\n\t\t\treturn userServiceClient.CreateUser(ctx, user.NewUser(), profile)",
		"return userServiceClient.ListUsers(ctx, base.NewPage())",
		"return nil, userServiceClient.Touch(ctx, 0)",
		`return userServiceClient.Exists(ctx, "")`,
		"defer adminServiceClient.Close()",
		"os.Exit(1)",
	} {
		assert.Contains(t, client, want)
	}
	for _, want := range []string{
		`flag.String("addr", defaultAddr, `, `const defaultAddr = "127.0.0.1:8888"`,
		"signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)",
		"context.WithTimeout(context.Background(), 10*time.Second)",
		"srv.Shutdown(shutdownCtx)",
	} {
		assert.Contains(t, server, want)
	}
}

func TestWriteErrors(t *testing.T) {
	_, files := generate(t, "../../testdata/user.thrift")
	tests := []struct {
		name     string
		services []string
		files    []gen.File
	}{
		{"unknown service", []string{"Nope"}, files},
		{"no generated code", []string{"UserService"}, nil},
		{"unparsable code", []string{"UserService"}, []gen.File{{Path: "x/x.go", Package: "example.com/p/gen/x", Content: []byte("package")}}},
		{"missing register function", []string{"UserService"}, dropRegister(files)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := scaffold.Write("user.thrift", tt.services, tt.files)
			assert.ErrorIs(t, err, scaffold.ErrScaffold)
		})
	}
}

// dropRegister renames the generated RegisterUserService.
func dropRegister(files []gen.File) []gen.File {
	out := make([]gen.File, len(files))
	for i, f := range files {
		f.Content = []byte(strings.ReplaceAll(string(f.Content), "func RegisterUserService(", "func registerUserService("))
		out[i] = f
	}
	return out
}

func TestWriteNoServices(t *testing.T) {
	dir := t.TempDir()
	idl := filepath.Join(dir, "types.thrift")
	require.NoError(t, os.WriteFile(idl, []byte("struct S { 1: string s }\n"), 0o644))
	progs, _ := write(t, idl)
	assert.Contains(t, progs[scaffold.ServerMain], "serving no service")
	assert.Contains(t, progs[scaffold.ClientMain], "var calls []call")
}

func TestWriteEdge(t *testing.T) {
	progs, _ := write(t, "testdata/edge.thrift")
	tests := []struct {
		file string
		want []string
	}{
		{scaffold.ServerMain, []string{
			// Package names taken by the programs' own imports give way.
			`server2 "example.com/p/gen/edge/server"`,
			"server2.RegisterEmpty(srv, &EmptyHandler{})",
		}},
		{scaffold.ServerHandler, []string{
			`"example.com/p/gen/edge/server"`,
			// Parameters named like imports give way.
			"Box(ctx context.Context, server_ *server.Box, client_ *server.Pt, context_ server.ID) (*server.Box, error)",
			"Mode(ctx context.Context, h_ server.Mode) (server.Mode, error)",
			// A typedef of a struct is built with the struct's
			// constructor, required struct fields included, across
			// packages.
			"Pt(ctx context.Context, fmt *server.Pt) (*server.Pt, error) {\n\t// TODO: implement Pt.\n\treturn client.NewPoint(), nil",
			"r := server.NewBox()\n\tr.Corner = client.NewPoint()\n\tr.Inner = server.NewInner()\n\tr.Inner.At = client.NewPoint()\n\treturn r, nil",
			// A struct that requires itself stops after one level.
			"r := server.NewChain()\n\tr.Next = server.NewChain()\n\treturn r, nil",
			"return thrift.UUID{}, nil",
			"return server.NewShape(), nil",
			"type EmptyHandler struct{}",
		}},
		{scaffold.ClientMain, []string{
			`client2 "example.com/p/gen/edge/client"`,
			`"github.com/govolo/volo/volo/thrift/client"`,
			"trickyClient.Id(ctx, thrift.UUID{})",
			"return trickyClient.Path(ctx, nil)",
			"return trickyClient.Mode(ctx, 0)",
			// Locals named like imports give way.
			"server_ := server.NewBox()",
		}},
	}
	for _, tt := range tests {
		for _, want := range tt.want {
			assert.True(t, strings.Contains(progs[tt.file], want), "%s lacks %q", tt.file, want)
		}
	}
	assert.NotContains(t, progs[scaffold.ServerHandler], "func (h *EmptyHandler)")
	if t.Failed() {
		t.Log(progs[scaffold.ClientMain])
	}
}

// The programs of the hard case build and pass go vet with the generated
// code and volo's runtime.
func TestWriteEdgeCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module")
	}
	progs, files := write(t, "testdata/edge.thrift")
	root, err := filepath.Abs("../../../..")
	require.NoError(t, err)
	dir := t.TempDir()
	put := func(rel, content string) {
		name := filepath.Join(dir, filepath.FromSlash(rel))
		require.NoError(t, os.MkdirAll(filepath.Dir(name), 0o755))
		require.NoError(t, os.WriteFile(name, []byte(content), 0o644))
	}
	put("go.mod", "module example.com/p\n\ngo 1.25.0\n\nrequire github.com/govolo/volo/volo v0.1.0\n\n"+
		"replace (\n\tgithub.com/govolo/volo/volo => "+filepath.ToSlash(filepath.Join(root, "volo"))+
		"\n\tgithub.com/govolo/volo/motore => "+filepath.ToSlash(filepath.Join(root, "motore"))+
		"\n\tgithub.com/govolo/volo/metainfo => "+filepath.ToSlash(filepath.Join(root, "metainfo"))+
		"\n\tgithub.com/govolo/volo/ext/discovery => "+filepath.ToSlash(filepath.Join(root, "ext/discovery"))+"\n)\n")
	for _, f := range files {
		put("gen/"+f.Path, string(f.Content))
	}
	for p, c := range progs {
		put(p, c)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	for _, args := range [][]string{{"mod", "tidy"}, {"vet", "./..."}, {"build", "-o", os.DevNull, "./cmd/server"}, {"build", "-o", os.DevNull, "./cmd/client"}} {
		cmd := exec.CommandContext(ctx, "go", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS="+os.Getenv("GOFLAGS")+" -mod=mod")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "go %s:\n%s\n%s", strings.Join(args, " "), out, progs[scaffold.ServerHandler])
	}
}
