package pbgen

import (
	"google.golang.org/protobuf/compiler/protogen"
)

// Service is what Go code that uses a generated service needs of it: the
// names [Generate] gives it.
type Service struct {
	// Name is the service's name in the .proto file ("Greeter"), FullName
	// its qualified name ("greeter.v1.Greeter").
	Name, FullName string
	// Package is the Go package of the stubs.
	Package GoPackage
	// Iface is the handler interface, Register the function that
	// registers an implementation on a server.
	Iface, Register string
	// Methods are the service's methods, in .proto order.
	Methods []Method
}

// Method is a method of a [Service].
type Method struct {
	// Name is the method's name in the .proto file, GoName the Go method's
	// in the handler interface, ClientName on the typed client (GoName,
	// but "Client_" for a method named Client, which the client's embedded
	// field would hide).
	Name, GoName, ClientName string
	// Input and Output are the request and response message types.
	Input, Output GoIdent
	// ClientStreams and ServerStreams say which sides stream.
	ClientStreams, ServerStreams bool
}

// GoPackage is a generated Go package.
type GoPackage struct {
	// Path is the import path, Name the package clause.
	Path, Name string
}

// GoIdent is a Go identifier of a package.
type GoIdent struct {
	Package GoPackage
	Name    string
}

// Services returns the services of prog's main file as [Generate] with
// the same importPath writes them.
func Services(prog *Program, importPath string) ([]Service, error) {
	plugin, _, err := newPlugin(prog, importPath, nil)
	if err != nil {
		return nil, err
	}
	f := plugin.FilesByPath[prog.Main.Name]
	ident := func(m *protogen.Message) GoIdent {
		pf := plugin.FilesByPath[m.Desc.ParentFile().Path()]
		return GoIdent{Package: GoPackage{Path: string(pf.GoImportPath), Name: string(pf.GoPackageName)}, Name: m.GoIdent.GoName}
	}
	var out []Service
	for _, s := range f.Services {
		n := namesOf(s)
		svc := Service{
			Name: string(s.Desc.Name()), FullName: string(s.Desc.FullName()),
			Package: GoPackage{Path: string(f.GoImportPath), Name: string(f.GoPackageName)},
			Iface:   n.iface, Register: n.register,
		}
		for _, m := range s.Methods {
			svc.Methods = append(svc.Methods, Method{
				Name: string(m.Desc.Name()), GoName: m.GoName, ClientName: clientMethod(m),
				Input: ident(m.Input), Output: ident(m.Output),
				ClientStreams: m.Desc.IsStreamingClient(), ServerStreams: m.Desc.IsStreamingServer(),
			})
		}
		out = append(out, svc)
	}
	return out, nil
}
