package scaffold

import (
	"fmt"
	"go/ast"
	"strings"
)

// clientCall is one call the client makes, its pieces written before the
// names of its locals are chosen.
type clientCall struct {
	label  string // "Service.Method"
	method string
	args   []clientArg
	void   bool
}

// clientArg is an argument: the context, or a zero value.
type clientArg struct {
	ctx  bool
	name string // the parameter's name, for a local that needs statements
	val  value
}

// clientMain writes cmd/client/main.go: a client per service, and a call
// of every method with zero-value arguments whose result it prints.
func clientMain(ix *index, idlFile string, svcs []*service, _ []string) (string, error) {
	im := newImports("main", "run", "call", "defaultAddr")
	w := &writer{ix: ix, im: im}
	for _, std := range []string{"context", "flag", "fmt", "os", "time"} {
		im.std(std)
	}
	cli := im.use("github.com/govolo/volo/volo/thrift/client", "client")

	clients := make([]string, len(svcs))
	var calls [][]clientCall
	for i, s := range svcs {
		clients[i] = lowerFirst(s.iface.name) + "Client"
		var cs []clientCall
		for _, m := range s.methods {
			c := clientCall{label: s.idlName + "." + m.name, method: m.name, void: len(m.results) < 2}
			for _, p := range m.params {
				n := max(1, len(p.Names))
				for j := range n {
					a := clientArg{}
					if len(p.Names) > 0 {
						a.name = p.Names[j].Name
					}
					if isContext(m.file, p.Type) {
						a.ctx = true
					} else {
						v, err := w.zero(m.file, p.Type)
						if err != nil {
							return "", err
						}
						a.val = v
					}
					c.args = append(c.args, a)
				}
			}
			cs = append(cs, c)
		}
		calls = append(calls, cs)
	}
	// The imports are known: now the locals.
	taken := map[string]bool{"ctx": true, "opts": true, "calls": true, "failed": true, "addr": true}
	for n := range im.taken {
		taken[n] = true
	}
	for i := range clients {
		clients[i] = localName(clients[i], "_", taken)
	}

	var setup, list []string
	for i, s := range svcs {
		p := w.pkgName(s.iface.file.pkg.path, s.iface.file.pkg.name)
		setup = append(setup, fmt.Sprintf(`%s, err := %s.%s(opts...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "client:", err)
		return 1
	}
	defer %s.Close()`, clients[i], p, s.newCli, clients[i]))
		for _, c := range calls[i] {
			list = append(list, c.write(clients[i], taken))
		}
	}
	decl := "var calls []call"
	if len(list) > 0 {
		decl = "calls := []call{\n" + join(list) + "\n}"
	}

	var b strings.Builder
	b.WriteString(comment("Command client calls every method of the services of " + idlFile + " once, with zero-value arguments, and prints each result; it exits with status 1 if a call fails."))
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

// call is one call of the example: what it calls, and how. A method
// without a result returns nil.
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
		switch res := res.(type) {
		case nil:
			fmt.Printf("%%s: ok\n", c.name)
		case string:
			fmt.Printf("%%s: %%q\n", c.name, res)
		default:
			fmt.Printf("%%s: %%v\n", c.name, res)
		}
	}
	return failed
}
`, DefaultAddr, im.block(), DefaultAddr, cli, cli, cli, strings.Join(setup, "\n"), decl)
	src := b.String()
	if len(svcs) == 0 {
		// No client uses opts.
		src = strings.Replace(src, "\topts := []", "\t_ = []", 1)
	}
	return src, nil
}

// write returns the element of the calls list for c on client cl.
func (c *clientCall) write(cl string, outer map[string]bool) string {
	taken := make(map[string]bool, len(outer))
	for n := range outer {
		taken[n] = true
	}
	var body, args []string
	for _, a := range c.args {
		switch {
		case a.ctx:
			args = append(args, "ctx")
		case len(a.val.fills) == 0:
			args = append(args, a.val.expr)
		default:
			n := localName(a.name, "Arg", taken)
			body = append(body, a.val.lines(n, true)...)
			args = append(args, n)
		}
	}
	invoke := fmt.Sprintf("%s.%s(%s)", cl, c.method, strings.Join(args, ", "))
	ret := "return " + invoke
	if c.void {
		ret = "return nil, " + invoke
	}
	if len(body) == 0 {
		return fmt.Sprintf("{%q, func(ctx context.Context) (any, error) { %s }},", c.label, ret)
	}
	return fmt.Sprintf("{%q, func(ctx context.Context) (any, error) {\n%s\n%s\n}},", c.label, join(body), ret)
}

// isContext reports whether e, a type of f, is context.Context.
func isContext(f *file, e ast.Expr) bool {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Context" {
		return false
	}
	x, ok := sel.X.(*ast.Ident)
	return ok && f.imports[x.Name] == "context"
}
