//go:build unix

package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The quick start with a .proto file: volo init on
// testdata/proto/greeter.proto, then in the new module go vet, go build,
// the server (its handlers edited to answer greetings), go run of the
// client calling every method over volo's gRPC client, the streaming
// methods called by grpc-go's client too, a graceful stop on SIGINT, and
// go generate after a change to the file.
func TestEndToEndProto(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a generated project")
	}
	start := time.Now()
	step := func(name string, since time.Time) { t.Logf("%-34s %6.1fs", name, time.Since(since).Seconds()) }
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	root := mustAbs(t, filepath.Join("..", ".."))
	require.FileExists(t, filepath.Join(root, "volo", "grpc", "go.mod"))
	dir := filepath.Join(t.TempDir(), "greeter")
	env := append(os.Environ(), "GOWORK=off", "GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -mod=mod"))

	t0 := time.Now()
	binary(t)
	step("go build (volo)", t0)
	t0 = time.Now()
	code, stdout, stderr := runVolo(t, t.TempDir(), env, "init", "-o", dir, "-replace", root, "example.com/greeter", mustAbs(t, "testdata/proto/greeter.proto"))
	require.Equal(t, 0, code, "volo init:\n%s\n%s", stdout, stderr)
	assert.Contains(t, stdout, "running go mod tidy in "+dir)
	step("volo init (with go mod tidy)", t0)

	// The handler answers a greeting, so the test sees a field cross the
	// wire both ways.
	handler := filepath.Join(dir, "cmd", "server", "handler.go")
	src, err := os.ReadFile(handler)
	require.NoError(t, err)
	stub := "\t// TODO: implement SayHello.\n\treturn &greeterv1.HelloReply{}, nil\n"
	require.Contains(t, string(src), stub)
	edited := strings.Replace(string(src), stub, "\treturn &greeterv1.HelloReply{Message: \"hello, \" + req.GetName() + \"!\"}, nil\n", 1)
	// And the streaming handlers do what their names say.
	for stub, code := range map[string]string{
		"import (\n\t\"context\"\n": "import (\n\t\"context\"\n\t\"io\"\n",
		"\t// TODO: implement Watch: Send the responses.\n\treturn nil\n": `	msg := "hello, " + req.GetName()
	for range 3 {
		msg += "!"
		if err := stream.Send(&greeterv1.HelloReply{Message: msg}); err != nil {
			return err
		}
	}
	return nil
`,
		"\t// TODO: implement Upload: Recv requests until io.EOF, then SendAndClose.\n\treturn stream.SendAndClose(&greeterv1.HelloReply{})\n": `	names := ""
	for {
		r, err := stream.Recv()
		if err == io.EOF {
			return stream.SendAndClose(&greeterv1.HelloReply{Message: "hello, " + names})
		}
		if err != nil {
			return err
		}
		names += r.GetName()
	}
`,
		"\t// TODO: implement Chat: Recv requests until io.EOF, Send responses.\n\treturn nil\n": `	for {
		r, err := stream.Recv()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := stream.Send(&greeterv1.HelloReply{Message: "hello, " + r.GetName()}); err != nil {
			return err
		}
	}
`,
	} {
		require.Contains(t, edited, stub)
		edited = strings.Replace(edited, stub, code, 1)
	}
	require.NoError(t, os.WriteFile(handler, []byte(edited), 0o644))
	client := filepath.Join(dir, "cmd", "client", "main.go")
	src, err = os.ReadFile(client)
	require.NoError(t, err)
	call := "greeterClient.SayHello(ctx, &greeterv1.HelloRequest{})"
	require.Contains(t, string(src), call)
	src = []byte(strings.Replace(string(src), call, "greeterClient.SayHello(ctx, &greeterv1.HelloRequest{Name: \"volo\"})", 1))
	require.NoError(t, os.WriteFile(client, src, 0o644))

	goCmd := func(args ...string) *exec.Cmd {
		cmd := exec.CommandContext(ctx, "go", args...)
		cmd.Dir, cmd.Env = dir, env
		return cmd
	}
	mustGo := func(args ...string) string {
		t.Helper()
		t0 := time.Now()
		out, err := goCmd(args...).CombinedOutput()
		require.NoError(t, err, "go %s:\n%s", strings.Join(args, " "), out)
		step("go "+strings.Join(args, " "), t0)
		return string(out)
	}
	mustGo("vet", "./...")
	mustGo("build", "./...")

	serverBin := filepath.Join(t.TempDir(), "server")
	mustGo("build", "-o", serverBin, "./cmd/server")
	addr := freeAddr(t)
	t0 = time.Now()
	server := exec.CommandContext(ctx, serverBin, "-addr", addr)
	server.Dir = dir
	var serverOut syncBuffer
	server.Stdout, server.Stderr = &serverOut, &serverOut
	require.NoError(t, server.Start())
	exited := make(chan error, 1)
	go func() { exited <- server.Wait() }()
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			server.Process.Kill()
			<-exited
		}
	})
	waitListening(t, addr, exited, &serverOut)
	step("./server (listening)", t0)

	t0 = time.Now()
	out, err := goCmd("run", "./cmd/client", "-addr", addr).CombinedOutput()
	require.NoError(t, err, "client:\n%s\nserver:\n%s", out, serverOut.String())
	step("go run ./cmd/client", t0)
	// prototext varies the space after a field name on purpose.
	assert.Equal(t, `Greeter.SayHello: {message:"hello, volo!"}
Greeter.Ping: {}
Greeter.Watch: {[message:"hello, !" message:"hello, !!" message:"hello, !!!"]}
Greeter.Upload: {message:"hello, "}
Greeter.Chat: {[message:"hello, "]}
Admin.Reset: {}
`, regexp.MustCompile(`:\s+"`).ReplaceAllString(string(out), `:"`))

	// The streaming stubs again, called by grpc-go's client.
	t0 = time.Now()
	probe := filepath.Join(dir, "cmd", "probe", "main.go")
	require.NoError(t, os.MkdirAll(filepath.Dir(probe), 0o755))
	require.NoError(t, os.WriteFile(probe, []byte(streamProbe), 0o644))
	mustGo("get", "google.golang.org/grpc@v1.85.0")
	out, err = goCmd("run", "./cmd/probe", addr).CombinedOutput()
	require.NoError(t, err, "probe:\n%s\nserver:\n%s", out, serverOut.String())
	assert.Equal(t, "Watch: hello, volo!\nWatch: hello, volo!!\nWatch: hello, volo!!!\nUpload: hello, abc\nChat: hello, x\nChat: hello, y\n", string(out))
	step("go run ./cmd/probe (grpc-go streams)", t0)

	t0 = time.Now()
	require.NoError(t, server.Process.Signal(os.Interrupt))
	select {
	case err := <-exited:
		stopped = true
		require.NoError(t, err, "server:\n%s", serverOut.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("the server did not stop on SIGINT:\n%s", serverOut.String())
	}
	assert.Contains(t, serverOut.String(), "serving greeter.v1.Greeter, greeter.v1.Admin on "+addr)
	assert.Contains(t, serverOut.String(), "server stopped")
	step("SIGINT to the server (stopped)", t0)

	// go generate ./... regenerates after a change to the .proto file.
	idl := filepath.Join(dir, "idl", "greeter.proto")
	src, err = os.ReadFile(idl)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(idl, append(src, "\nmessage Added {\n  string note = 1;\n}\n"...), 0o644))
	out2 := mustGo("generate", "./...")
	assert.Contains(t, out2, "wrote ../gen/greeter/v1/greeter.pb.go")
	gen, err := os.ReadFile(filepath.Join(dir, "gen", "greeter", "v1", "greeter.pb.go"))
	require.NoError(t, err)
	assert.Contains(t, string(gen), "type Added struct {")
	code, stdout, stderr = runVolo(t, dir, env, "gen")
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stdout)
	mustGo("build", "./...")
	step("total", start)
}

// streamProbe is a program of the generated module that calls its
// streaming methods with grpc-go's client and the generated messages.
const streamProbe = `package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	greeterv1 "example.com/greeter/gen/greeter/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

func main() {
	cc, err := grpc.NewClient(os.Args[1], grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		log.Fatal(err)
	}
	defer cc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	open := func(method string, client, server bool) grpc.ClientStream {
		st, err := cc.NewStream(ctx, &grpc.StreamDesc{ClientStreams: client, ServerStreams: server}, "/greeter.v1.Greeter/"+method)
		if err != nil {
			log.Fatal(method, ": ", err)
		}
		return st
	}
	send := func(st grpc.ClientStream, names ...string) {
		for _, n := range names {
			if err := st.SendMsg(&greeterv1.HelloRequest{Name: n}); err != nil {
				log.Fatal(err)
			}
		}
		if err := st.CloseSend(); err != nil {
			log.Fatal(err)
		}
	}
	recvAll := func(method string, st grpc.ClientStream) {
		for {
			var r greeterv1.HelloReply
			err := st.RecvMsg(&r)
			if err == io.EOF {
				return
			}
			if err != nil {
				log.Fatal(method, ": ", err)
			}
			fmt.Printf("%s: %s\n", method, r.GetMessage())
		}
	}
	st := open("Watch", false, true)
	send(st, "volo")
	recvAll("Watch", st)
	st = open("Upload", true, false)
	send(st, "a", "b", "c")
	recvAll("Upload", st)
	st = open("Chat", true, true)
	send(st, "x", "y")
	recvAll("Chat", st)
}
`
