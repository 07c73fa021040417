package scaffold

import (
	"fmt"
	"strings"
)

// serverMain writes cmd/server/main.go: flags, registration of every
// service, serving until SIGINT or SIGTERM, and a bounded shutdown.
func serverMain(ix *index, idlFile string, svcs []*service, handlers []string) (string, error) {
	im := newImports("main", "run", "defaultAddr")
	w := &writer{ix: ix, im: im}
	for _, std := range []string{"context", "errors", "flag", "log", "net", "os", "os/signal", "syscall", "time"} {
		im.std(std)
	}
	for _, h := range handlers {
		im.taken[h] = true
	}
	srvPkg := im.use("github.com/govolo/volo/volo/thrift/server", "server")
	voloPkg := im.use("github.com/govolo/volo/volo", "volo")

	var regs []string
	var names []string
	for i, s := range svcs {
		p := w.pkgName(s.iface.file.pkg.path, s.iface.file.pkg.name)
		regs = append(regs, fmt.Sprintf("if err := %s.%s(srv, &%s{}); err != nil {\nreturn err\n}", p, s.register, handlers[i]))
		names = append(names, s.idlName)
	}
	return serverSource(idlFile, names, im, srvPkg, voloPkg, regs), nil
}

// serverSource is cmd/server/main.go serving the services names, each
// registered by one of regs; srvPkg and voloPkg are the names im gave
// the server package and volo's.
func serverSource(idlFile string, names []string, im *imports, srvPkg, voloPkg string, regs []string) string {
	serving := "no service"
	if len(names) > 0 {
		serving = strings.Join(names, ", ")
	}

	var b strings.Builder
	b.WriteString(comment("Command server serves the services of " + idlFile + ": " + serving + ". Each service is registered with its handler of handler.go, whose stubs you replace with your code."))
	fmt.Fprintf(&b, `//
//	go run ./cmd/server -addr %s
//
// It stops on SIGINT or SIGTERM, letting the calls in flight finish for
// up to ten seconds. volo init wrote this file once; it is yours to edit.
package main

%s
// defaultAddr is where the server listens without -addr.
const defaultAddr = %q

func main() {
	addr := flag.String("addr", defaultAddr, "address to listen on")
	flag.Parse()
	if err := run(*addr); err != nil {
		log.Fatal(err)
	}
}

// run serves on addr until a signal, then shuts down gracefully.
func run(addr string) error {
	srv, err := %s.New()
	if err != nil {
		return err
	}
%s
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	log.Printf("serving %s on %%s", ln.Addr())

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	stop()
	log.Print("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdownCtx)
	if serveErr := <-served; !errors.Is(serveErr, %s.ErrServerClosed) {
		return serveErr
	}
	if err != nil {
		return err
	}
	log.Print("server stopped")
	return nil
}
`, DefaultAddr, im.block(), DefaultAddr, srvPkg, join(regs), serving, voloPkg)
	return b.String()
}

// stub is a handler method, written once its names are known.
type stub struct {
	name    string
	params  []string // types
	pnames  []string // the parameters' names, "" if none
	results []string // types
	zeros   []value
}

// serverHandler writes cmd/server/handler.go: a type per service with a
// stub for every method of its interface, inherited ones included.
func serverHandler(ix *index, idlFile string, svcs []*service, handlers []string) (string, error) {
	im := newImports("main", "run", "defaultAddr")
	w := &writer{ix: ix, im: im}
	for _, h := range handlers {
		im.taken[h] = true
	}
	// First the types, which decide the imports; then the names of
	// parameters, which must not hide an import the body uses.
	stubs := make([][]*stub, len(svcs))
	ifaces := make([]string, len(svcs))
	for i, s := range svcs {
		ifaces[i] = w.pkgName(s.iface.file.pkg.path, s.iface.file.pkg.name) + "." + s.iface.name
		for _, m := range s.methods {
			st := &stub{name: m.name}
			for _, p := range m.params {
				t, err := w.typ(m.file, p.Type)
				if err != nil {
					return "", err
				}
				names := []string{""}
				if len(p.Names) > 0 {
					names = nil
					for _, n := range p.Names {
						names = append(names, n.Name)
					}
				}
				for _, n := range names {
					st.params = append(st.params, t)
					st.pnames = append(st.pnames, n)
				}
			}
			for _, r := range m.results {
				t, err := w.typ(m.file, r.Type)
				if err != nil {
					return "", err
				}
				z, err := w.zero(m.file, r.Type)
				if err != nil {
					return "", err
				}
				n := max(1, len(r.Names))
				for range n {
					st.results = append(st.results, t)
					st.zeros = append(st.zeros, z)
				}
			}
			stubs[i] = append(stubs[i], st)
		}
	}

	var b strings.Builder
	b.WriteString("package main\n\n")
	b.WriteString(comment("The handlers of the services of " + idlFile + ": one type per service, with a stub for every method of the service (inherited ones included) that returns a valid zero result. Replace the stubs with your code: volo init wrote this file once, and volo gen does not touch it. When the IDL changes, add or change the methods here to match the generated interfaces."))
	b.WriteString("\n" + im.block())
	for i, s := range svcs {
		b.WriteString("\n" + comment(handlers[i]+" implements service "+s.idlName+" of "+idlFile+" ("+ifaces[i]+"). Its methods are stubs: edit them."))
		fmt.Fprintf(&b, "type %s struct{}\n", handlers[i])
		for _, st := range stubs[i] {
			b.WriteString(st.write(handlers[i], s.idlName, im.taken))
		}
	}
	return b.String(), nil
}

// write returns the stub's method on the handler type recv.
func (st *stub) write(recv, svc string, imported map[string]bool) string {
	taken := map[string]bool{"h": true}
	for n := range imported {
		taken[n] = true
	}
	params := make([]string, len(st.params))
	for i, t := range st.params {
		n := st.pnames[i]
		if n != "" && n != "_" {
			n = localName(n, "_", taken)
		}
		if n == "" {
			n = "_"
		}
		params[i] = n + " " + t
	}
	var body []string
	rets := make([]string, len(st.zeros))
	for i, z := range st.zeros {
		if len(z.fills) == 0 {
			rets[i] = z.expr
			continue
		}
		r := localName("r", "_", taken)
		body = append(body, z.lines(r, true)...)
		rets[i] = r
	}
	results := strings.Join(st.results, ", ")
	if len(st.results) > 1 {
		results = "(" + results + ")"
	}
	var b strings.Builder
	b.WriteString("\n" + comment(st.name+" implements method "+st.name+" of service "+svc+". It is a stub that returns a zero result: replace it with your code."))
	fmt.Fprintf(&b, "func (h *%s) %s(%s) %s {\n", recv, st.name, strings.Join(params, ", "), results)
	fmt.Fprintf(&b, "// TODO: implement %s.\n", st.name)
	for _, l := range body {
		b.WriteString(l + "\n")
	}
	if len(rets) > 0 {
		b.WriteString("return " + strings.Join(rets, ", ") + "\n")
	}
	b.WriteString("}\n")
	return b.String()
}
