package scaffold

import (
	"fmt"
	"go/format"
	"strings"

	"github.com/govolo/volo/pilota/pbgen"
)

// gRPC runtime packages the programs of a .proto project use.
const (
	grpcPkg       = "github.com/govolo/volo/volo/grpc"
	grpcServerPkg = "github.com/govolo/volo/volo/grpc/server"
	grpcClientPkg = "github.com/govolo/volo/volo/grpc/client"
)

// WriteProto returns the server, its handlers and the client for the
// services of a .proto file, whose base name is idlFile
// ("greeter.proto"), with the names pbgen gave them.
func WriteProto(idlFile string, svcs []pbgen.Service) ([]File, error) {
	seen := make(map[string]bool)
	handlers := make([]string, len(svcs))
	for i, s := range svcs {
		n := s.Iface + "Handler"
		for base, j := n, 2; seen[n]; j++ {
			n = fmt.Sprintf("%s%d", base, j)
		}
		seen[n] = true
		handlers[i] = n
	}
	writers := []struct {
		path string
		fn   func(string, []pbgen.Service, []string) string
	}{
		{ServerMain, protoServerMain},
		{ServerHandler, protoHandler},
		{ClientMain, protoClientMain},
	}
	var out []File
	for _, wr := range writers {
		src := wr.fn(idlFile, svcs, handlers)
		formatted, err := format.Source([]byte(src))
		if err != nil {
			return nil, fmt.Errorf("%w: formatting %s: %v\n%s", ErrScaffold, wr.path, err, src)
		}
		out = append(out, File{Path: wr.path, Content: formatted})
	}
	return out, nil
}

// protoServerMain writes cmd/server/main.go for a .proto project.
func protoServerMain(idlFile string, svcs []pbgen.Service, handlers []string) string {
	im := newImports("main", "run", "defaultAddr")
	for _, std := range []string{"context", "errors", "flag", "log", "net", "os", "os/signal", "syscall", "time"} {
		im.std(std)
	}
	for _, h := range handlers {
		im.taken[h] = true
	}
	srvPkg := im.use(grpcServerPkg, "server")
	voloPkg := im.use("github.com/govolo/volo/volo", "volo")
	var regs, names []string
	for i, s := range svcs {
		p := im.use(s.Package.Path, s.Package.Name)
		regs = append(regs, fmt.Sprintf("if err := %s.%s(srv, &%s{}); err != nil {\nreturn err\n}", p, s.Register, handlers[i]))
		names = append(names, s.FullName)
	}
	return serverSource(idlFile, names, im, srvPkg, voloPkg, regs)
}

// ident returns id as the file of im names it.
func ident(im *imports, id pbgen.GoIdent) string {
	return im.use(id.Package.Path, id.Package.Name) + "." + id.Name
}

// protoHandler writes cmd/server/handler.go: a type per service with a
// stub for every method, which answers an empty response.
func protoHandler(idlFile string, svcs []pbgen.Service, handlers []string) string {
	im := newImports("main", "run", "defaultAddr", "h", "ctx", "req", "stream")
	for _, h := range handlers {
		im.taken[h] = true
	}
	var body strings.Builder
	for i, s := range svcs {
		iface := im.use(s.Package.Path, s.Package.Name) + "." + s.Iface
		body.WriteString("\n" + comment(handlers[i]+" implements service "+s.FullName+" of "+idlFile+" ("+iface+"). Its methods are stubs: edit them."))
		fmt.Fprintf(&body, "type %s struct{}\n", handlers[i])
		for _, m := range s.Methods {
			in, out := ident(im, m.Input), ident(im, m.Output)
			body.WriteString("\n" + comment(m.GoName+" implements method "+m.Name+" of service "+s.FullName+". It is a stub: replace it with your code."))
			switch {
			case !m.ClientStreams && !m.ServerStreams:
				ctx := im.std("context")
				fmt.Fprintf(&body, "func (h *%s) %s(ctx %s.Context, req *%s) (*%s, error) {\n// TODO: implement %s.\nreturn &%s{}, nil\n}\n", handlers[i], m.GoName, ctx, in, out, m.GoName, out)
			case m.ClientStreams && m.ServerStreams:
				g := im.use(grpcPkg, "grpc")
				fmt.Fprintf(&body, "func (h *%s) %s(stream %s.BidiStreamingServer[%s, %s]) error {\n// TODO: implement %s: Recv requests until io.EOF, Send responses.\nreturn nil\n}\n", handlers[i], m.GoName, g, in, out, m.GoName)
			case m.ClientStreams:
				g := im.use(grpcPkg, "grpc")
				fmt.Fprintf(&body, "func (h *%s) %s(stream %s.ClientStreamingServer[%s, %s]) error {\n// TODO: implement %s: Recv requests until io.EOF, then SendAndClose.\nreturn stream.SendAndClose(&%s{})\n}\n", handlers[i], m.GoName, g, in, out, m.GoName, out)
			default:
				g := im.use(grpcPkg, "grpc")
				fmt.Fprintf(&body, "func (h *%s) %s(req *%s, stream %s.ServerStreamingServer[%s]) error {\n// TODO: implement %s: Send the responses.\nreturn nil\n}\n", handlers[i], m.GoName, in, g, out, m.GoName)
			}
		}
	}
	var b strings.Builder
	b.WriteString("package main\n\n")
	b.WriteString(comment("The handlers of the services of " + idlFile + ": one type per service, with a stub for every method that answers an empty response. Replace the stubs with your code: volo init wrote this file once, and volo gen does not touch it. When the .proto file changes, add or change the methods here to match the generated interfaces."))
	b.WriteString("\n" + im.block())
	b.WriteString(body.String())
	return b.String()
}

// protoClientMain writes cmd/client/main.go: a client per service, and a
// call of every method with empty requests whose responses it prints.
func protoClientMain(idlFile string, svcs []pbgen.Service, _ []string) string {
	im := newImports("main", "run", "call", "defaultAddr")
	for _, std := range []string{"context", "flag", "fmt", "os", "time"} {
		im.std(std)
	}
	cli := im.use(grpcClientPkg, "client")
	taken := map[string]bool{"ctx": true, "opts": true, "calls": true, "failed": true, "addr": true, "err": true, "st": true, "recvAll": true}
	for n := range im.taken {
		taken[n] = true
	}
	var setup, list []string
	streams := false
	for _, s := range svcs {
		p := im.use(s.Package.Path, s.Package.Name)
		cl := localName(lowerFirst(s.Iface)+"Client", "_", taken)
		setup = append(setup, fmt.Sprintf(`%s, err := %s.New%sClient(opts...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "client:", err)
		return 1
	}
	defer %s.Client.Close()`, cl, p, s.Iface, cl))
		for _, m := range s.Methods {
			label := s.Name + "." + m.Name
			in := ident(im, m.Input)
			switch {
			case m.ClientStreams && m.ServerStreams:
				streams = true
				list = append(list, fmt.Sprintf(`{%q, func(ctx context.Context) (any, error) {
	st, err := %s.%s(ctx)
	if err != nil {
		return nil, err
	}
	if err := st.Send(&%s{}); err != nil {
		return nil, err
	}
	if err := st.CloseSend(); err != nil {
		return nil, err
	}
	return recvAll(st.Recv)
}},`, label, cl, m.ClientName, in))
				continue
			case m.ClientStreams:
				list = append(list, fmt.Sprintf(`{%q, func(ctx context.Context) (any, error) {
	st, err := %s.%s(ctx)
	if err != nil {
		return nil, err
	}
	if err := st.Send(&%s{}); err != nil {
		return nil, err
	}
	return st.CloseAndRecv()
}},`, label, cl, m.ClientName, in))
				continue
			case m.ServerStreams:
				streams = true
				list = append(list, fmt.Sprintf(`{%q, func(ctx context.Context) (any, error) {
	st, err := %s.%s(ctx, &%s{})
	if err != nil {
		return nil, err
	}
	return recvAll(st.Recv)
}},`, label, cl, m.ClientName, in))
				continue
			}
			list = append(list, fmt.Sprintf("{%q, func(ctx context.Context) (any, error) { return %s.%s(ctx, &%s{}) }},", label, cl, m.ClientName, ident(im, m.Input)))
		}
	}
	decl := "var calls []call"
	if len(list) > 0 {
		decl = "calls := []call{\n" + join(list) + "\n}"
	}
	doc := "Command client calls every method of the services of " + idlFile + " once, with empty requests (one on a stream), and prints each response (a stream's as a list); it exits with status 1 if a call fails."
	helper := ""
	if streams {
		im.std("errors")
		im.std("io")
		helper = `
// recvAll receives until the end of a stream and returns the messages.
func recvAll[T any](recv func() (*T, error)) ([]*T, error) {
	var out []*T
	for {
		m, err := recv()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, m)
	}
}
`
	}
	var b strings.Builder
	b.WriteString(comment(doc))
	fmt.Fprintf(&b, `//
//	go run ./cmd/client -addr %s
//
// volo init wrote this file once as an example; it is yours to edit.
package main

%s
// defaultAddr is the server's address without -addr.
const defaultAddr = %q

func main() {
	addr := flag.String("addr", defaultAddr, "address of the server")
	flag.Parse()
	if failed := run(*addr); failed > 0 {
		fmt.Fprintf(os.Stderr, "client: %%d calls failed\n", failed)
		os.Exit(1)
	}
}

// call is one call of the example: what it calls, and how.
type call struct {
	name string
	do   func(ctx context.Context) (any, error)
}

// run calls every method once and returns how many calls failed.
func run(addr string) int {
	opts := []%s.Option{%s.WithAddress(addr), %s.WithRPCTimeout(5 * time.Second)}
	%s
	%s
	failed := 0
	for _, c := range calls {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		res, err := c.do(ctx)
		cancel()
		if err != nil {
			failed++
			fmt.Printf("%%s: error: %%v\n", c.name, err)
			continue
		}
		fmt.Printf("%%s: {%%v}\n", c.name, res)
	}
	return failed
}
`, DefaultAddr, im.block(), DefaultAddr, cli, cli, cli, strings.Join(setup, "\n"), decl)
	b.WriteString(helper)
	src := b.String()
	if len(svcs) == 0 {
		src = strings.Replace(src, "\topts := []", "\t_ = []", 1)
	}
	return src
}
