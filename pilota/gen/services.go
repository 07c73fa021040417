package gen

import (
	"strings"

	"github.com/govolo/volo/pilota/thriftidl"
)

// svcNames are the Go names generated for a service.
type svcNames struct {
	iface, register, desc, client, newClient string
}

func namesOf(s *thriftidl.Service) svcNames {
	n := exportedName(s.Name)
	return svcNames{iface: n, register: "Register" + n, desc: n + "ServiceDesc", client: n + "Client", newClient: "New" + n + "Client"}
}

// methodVar is the name of a function's descriptor.
func methodVar(s *thriftidl.Service, fn *thriftidl.Function) string {
	return exportedName(s.Name) + exportedName(fn.Name) + "Method"
}

func argsName(s *thriftidl.Service, fn *thriftidl.Function) string {
	return exportedName(s.Name) + exportedName(fn.Name) + "Args"
}

func resultName(s *thriftidl.Service, fn *thriftidl.Function) string {
	return exportedName(s.Name) + exportedName(fn.Name) + "Result"
}

func handlerName(s *thriftidl.Service, fn *thriftidl.Function) string {
	n := exportedName(s.Name)
	return strings.ToLower(n[:1]) + n[1:] + exportedName(fn.Name) + "Handler"
}

// serviceFile finds the file that defines s.
func (w *writer) serviceFile(s *thriftidl.Service) *thriftidl.File {
	for f := range w.g.pkgs {
		for _, x := range f.Services {
			if x == s {
				return f
			}
		}
	}
	return w.f
}

// chain returns s's ancestors, the root first, without s.
func chain(s *thriftidl.Service) []*thriftidl.Service {
	var out []*thriftidl.Service
	seen := map[*thriftidl.Service]bool{s: true}
	for b := s.ExtendsRef; b != nil && !seen[b]; b = b.ExtendsRef {
		seen[b] = true
		out = append([]*thriftidl.Service{b}, out...)
	}
	return out
}

// fnSig is a function's Go signature pieces.
type fnSig struct {
	name    string     // Go method name
	params  []string   // "msg string"
	args    []*goField // args struct fields, in order
	argVals []string   // parameter names, in order
	result  string     // Go result type, "" for void
}

func (w *writer) sigOf(fn *thriftidl.Function) *fnSig {
	sig := &fnSig{name: exportedName(fn.Name), args: w.goFields(fn.Args, false, false)}
	seen := make(map[string]bool)
	for _, gf := range sig.args {
		pn := paramName(gf.f.Name)
		for seen[pn] {
			pn += "_"
		}
		seen[pn] = true
		sig.params = append(sig.params, pn+" "+gf.goType)
		sig.argVals = append(sig.argVals, pn)
	}
	if fn.Result != nil {
		sig.result = w.goType(fn.Result)
	}
	return sig
}

func (s *fnSig) returns() string {
	if s.result == "" {
		return "error"
	}
	return "(" + s.result + ", error)"
}

// zeroOf returns the zero value of t's Go type.
func (w *writer) zeroOf(t *thriftidl.Type) string {
	switch kindOf(t) {
	case kStruct, kList, kSet, kMap, kBinary:
		return "nil"
	case kString, kSenum:
		return `""`
	case kBool:
		return "false"
	case kUUID:
		return w.goType(t) + "{}"
	}
	return "0"
}

func (w *writer) writeService(s *thriftidl.Service) {
	n := namesOf(s)
	ctx := w.use("context") + ".Context"
	w.doc(s.Doc, n.iface+" is the handler interface of service "+s.Name+" of "+baseName(w.f.Path)+": a server calls its methods, "+n.register+" registers an implementation.")
	w.p("type %s interface {", n.iface)
	if b := s.ExtendsRef; b != nil {
		w.p("%s", w.qual(w.serviceFile(b), namesOf(b).iface))
	}
	for _, fn := range s.Functions {
		sig := w.sigOf(fn)
		w.doc(fn.Doc, sig.name+" is method "+fn.Name+" of service "+s.Name+".")
		params := append([]string{"ctx " + ctx}, sig.params...)
		w.p("%s(%s) %s", sig.name, strings.Join(params, ", "), sig.returns())
	}
	w.p("}")
	w.p("")

	w.comment(n.register + " registers impl as service " + s.Name + " on srv.")
	w.p("func %s(srv *%s, impl %s) error {", n.register, w.use(serverPkg)+".Server", n.iface)
	w.p("return srv.RegisterService(%s, impl)", n.desc)
	w.p("}")
	w.p("")

	w.comment(n.desc + " describes service " + s.Name + " to servers and clients.")
	w.p("var %s = &%s{", n.desc, w.rt("ServiceDesc"))
	w.p("Name: %q,", s.Name)
	w.p("HandlerType: (*%s)(nil),", n.iface)
	w.p("Methods: []*%s{", w.rt("MethodDesc"))
	for _, b := range chain(s) {
		bf := w.serviceFile(b)
		for _, fn := range b.Functions {
			w.p("%s,", w.qual(bf, methodVar(b, fn)))
		}
	}
	for _, fn := range s.Functions {
		w.p("%s,", methodVar(s, fn))
	}
	w.p("},")
	w.p("}")
	w.p("")

	for _, fn := range s.Functions {
		w.writeMethodDesc(s, fn)
	}
	w.writeClient(s)
	for _, fn := range s.Functions {
		args := &structSpec{
			name: argsName(s, fn), idlName: argsName(s, fn),
			genDoc: argsName(s, fn) + " is the args struct of method " + fn.Name + " of service " + s.Name + ".",
			fields: w.goFields(fn.Args, false, false),
		}
		w.writeStruct(args)
		if fn.Oneway {
			continue
		}
		var fields []*thriftidl.Field
		if fn.Result != nil {
			fields = append(fields, &thriftidl.Field{Pos: fn.Pos, ID: 0, Type: fn.Result, Name: "success", Requiredness: thriftidl.Optional})
		}
		fields = append(fields, fn.Throws...)
		res := &structSpec{
			name: resultName(s, fn), idlName: resultName(s, fn),
			genDoc: resultName(s, fn) + " is the result struct of method " + fn.Name + " of service " + s.Name + ".",
			fields: w.goFields(fields, false, true),
			result: true,
		}
		w.writeStruct(res)
	}
}

func (w *writer) writeMethodDesc(s *thriftidl.Service, fn *thriftidl.Function) {
	n := namesOf(s)
	mv, hn := methodVar(s, fn), handlerName(s, fn)
	w.comment(mv + " describes method " + fn.Name + " of service " + s.Name + ".")
	w.p("var %s = &%s{", mv, w.rt("MethodDesc"))
	w.p("Name: %q,", fn.Name)
	if fn.Oneway {
		w.p("Oneway: true,")
	}
	w.p("NewArgs: func() %s { return New%s() },", w.rt("Struct"), argsName(s, fn))
	if !fn.Oneway {
		w.p("NewResult: func() %s { return New%s() },", w.rt("Struct"), resultName(s, fn))
	}
	w.p("Handler: %s,", hn)
	w.p("}")
	w.p("")

	sig := w.sigOf(fn)
	w.p("func %s(ctx %s, impl any, args %s) (%s, error) {", hn, w.use("context")+".Context", w.rt("Struct"), w.rt("Struct"))
	w.p("h, ok := impl.(%s)", n.iface)
	if len(sig.args) == 0 {
		w.p("_, ok2 := args.(*%s)", argsName(s, fn))
	} else {
		w.p("a, ok2 := args.(*%s)", argsName(s, fn))
	}
	w.p("if !ok || !ok2 {")
	w.p("return nil, %s", w.rt("ErrHandlerMismatch"))
	w.p("}")
	call := "h." + sig.name + "(" + strings.Join(append([]string{"ctx"}, argFields(sig)...), ", ") + ")"
	if fn.Oneway {
		w.p("return nil, %s", call)
		w.p("}")
		w.p("")
		return
	}
	rn := resultName(s, fn)
	resFields := w.goFields(append(successField(fn), fn.Throws...), false, true)
	if fn.Result != nil {
		w.p("r, err := %s", call)
	} else {
		w.p("err := %s", call)
	}
	w.p("if err != nil {")
	if len(fn.Throws) > 0 {
		w.p("res := &%s{}", rn)
		for _, gf := range resFields {
			if gf.id == 0 {
				continue
			}
			w.p("if e := (%s)(nil); %s(err, &e) {", gf.goType, w.use("errors")+".As")
			w.p("res.%s = e", gf.name)
			w.p("return res, nil")
			w.p("}")
		}
	}
	w.p("return nil, err")
	w.p("}")
	switch {
	case fn.Result == nil:
		w.p("return &%s{}, nil", rn)
	case nilable(fn.Result) && kindOf(fn.Result) != kStruct:
		// A nil container is an empty one, not a missing result.
		w.p("if r == nil {")
		w.p("r = %s{}", w.goType(fn.Result))
		w.p("}")
		w.p("return &%s{Success: r}, nil", rn)
	case nilable(fn.Result):
		w.p("return &%s{Success: r}, nil", rn)
	default:
		// The result and the value its Success points at, in one
		// allocation instead of two.
		w.p("b := &struct {")
		w.p("res %s", rn)
		w.p("v %s", w.goType(fn.Result))
		w.p("}{v: r}")
		w.p("b.res.Success = &b.v")
		w.p("return &b.res, nil")
	}
	w.p("}")
	w.p("")
}

func successField(fn *thriftidl.Function) []*thriftidl.Field {
	if fn.Result == nil {
		return nil
	}
	return []*thriftidl.Field{{Pos: fn.Pos, ID: 0, Type: fn.Result, Name: "success", Requiredness: thriftidl.Optional}}
}

// argFields returns "a.Field" for each argument.
func argFields(sig *fnSig) []string {
	out := make([]string, len(sig.args))
	for i, gf := range sig.args {
		out[i] = "a." + gf.name
	}
	return out
}

func (w *writer) writeClient(s *thriftidl.Service) {
	n := namesOf(s)
	cl := w.use(clientPkg)
	w.comment(n.client + " calls service " + s.Name + ". It embeds the client, whose Close, Describe and Call it has.")
	w.p("type %s struct {", n.client)
	if b := s.ExtendsRef; b != nil {
		w.p("*%s", w.qual(w.serviceFile(b), namesOf(b).client))
	} else {
		w.p("*%s.Client", cl)
	}
	w.p("}")
	w.p("")
	w.comment(n.newClient + " returns a client of service " + s.Name + "; see client.New for the options.")
	w.p("func %s(opts ...%s.Option) (*%s, error) {", n.newClient, cl, n.client)
	w.p("c, err := %s.New(%q, opts...)", cl, s.Name)
	w.p("if err != nil {")
	w.p("return nil, err")
	w.p("}")
	expr := "c"
	anc := append(chain(s), s)
	for i, b := range anc {
		field := "Client"
		if i > 0 {
			field = namesOf(anc[i-1]).client
		}
		expr = "&" + w.qual(w.serviceFile(b), namesOf(b).client) + "{" + field + ": " + expr + "}"
	}
	w.p("return %s, nil", expr)
	w.p("}")
	w.p("")
	for _, fn := range s.Functions {
		sig := w.sigOf(fn)
		if fn.Doc != "" {
			writeDoc(&w.buf, fn.Doc)
		} else {
			w.comment(sig.name + " calls method " + fn.Name + " of service " + s.Name + ".")
		}
		params := append([]string{"ctx " + w.use("context") + ".Context"}, sig.params...)
		params = append(params, "opts ..."+cl+".CallOption")
		w.p("func (c *%s) %s(%s) %s {", n.client, sig.name, strings.Join(params, ", "), sig.returns())
		var inits []string
		for i, gf := range sig.args {
			inits = append(inits, gf.name+": "+sig.argVals[i])
		}
		argsLit := argsName(s, fn) + "{" + strings.Join(inits, ", ") + "}"
		if fn.Oneway {
			w.p("args := %s", argsLit)
			w.p("return c.Client.Call(ctx, %s, &args, nil, opts...)", methodVar(s, fn))
			w.p("}")
			w.p("")
			continue
		}
		// The args and the result escape into the call together: one
		// allocation instead of two.
		w.p("b := &struct {")
		w.p("args %s", argsName(s, fn))
		w.p("res %s", resultName(s, fn))
		w.p("}{args: %s}", argsLit)
		if fn.Result == nil {
			w.p("return c.Client.Call(ctx, %s, &b.args, &b.res, opts...)", methodVar(s, fn))
			w.p("}")
			w.p("")
			continue
		}
		z := w.zeroOf(fn.Result)
		w.p("if err := c.Client.Call(ctx, %s, &b.args, &b.res, opts...); err != nil {", methodVar(s, fn))
		w.p("return %s, err", z)
		w.p("}")
		w.p("if b.res.Success == nil {")
		w.p("return %s, %s(%q)", z, w.rt("MissingResult"), fn.Name)
		w.p("}")
		if nilable(fn.Result) {
			w.p("return b.res.Success, nil")
		} else {
			w.p("return *b.res.Success, nil")
		}
		w.p("}")
		w.p("")
	}
}
