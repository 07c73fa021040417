package pbgen

import (
	"fmt"

	"google.golang.org/protobuf/compiler/protogen"
)

// checkNames reports a Go name of f's service stubs that a message, enum,
// enum value or extension of the same Go package, or another service's
// stubs, declare too: the package would not compile.
func checkNames(plugin *protogen.Plugin, f *protogen.File) error {
	if len(f.Services) == 0 {
		return nil
	}
	taken := make(map[string]string) // Go name -> what declares it
	var addMessages func(file *protogen.File, ms []*protogen.Message)
	addEnums := func(file *protogen.File, es []*protogen.Enum) {
		for _, e := range es {
			taken[e.GoIdent.GoName] = "enum " + string(e.Desc.FullName()) + " of " + file.Desc.Path()
			for _, v := range e.Values {
				taken[v.GoIdent.GoName] = "enum value " + string(v.Desc.FullName()) + " of " + file.Desc.Path()
			}
		}
	}
	addMessages = func(file *protogen.File, ms []*protogen.Message) {
		for _, m := range ms {
			taken[m.GoIdent.GoName] = "message " + string(m.Desc.FullName()) + " of " + file.Desc.Path()
			addEnums(file, m.Enums)
			addMessages(file, m.Messages)
		}
	}
	for _, pf := range plugin.Files {
		if pf.GoImportPath != f.GoImportPath {
			continue
		}
		addMessages(pf, pf.Messages)
		addEnums(pf, pf.Enums)
		for _, x := range pf.Extensions {
			taken[x.GoIdent.GoName] = "extension " + string(x.Desc.FullName()) + " of " + pf.Desc.Path()
		}
	}
	for _, pf := range plugin.Files {
		if pf.GoImportPath != f.GoImportPath || !pf.Generate {
			continue
		}
		for _, s := range pf.Services {
			n := namesOf(s)
			mine := []string{n.iface, n.register, n.desc, n.client, n.newClient}
			for _, m := range s.Methods {
				mine = append(mine, methodVar(s, m), handlerName(s, m))
			}
			what := "service " + string(s.Desc.FullName()) + " of " + pf.Desc.Path()
			for _, name := range mine {
				if other, ok := taken[name]; ok && other != what {
					return fmt.Errorf("%w: %s needs the Go name %s, which %s has in the same Go package", ErrNameClash, what, name, other)
				}
				taken[name] = what
			}
		}
	}
	return nil
}
