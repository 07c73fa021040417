package scaffold

import (
	"fmt"
	"go/format"
	"go/token"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/govolo/volo/pilota/gen"
)

// Paths of the files Write returns, relative to the project.
const (
	ServerMain    = "cmd/server/main.go"
	ServerHandler = "cmd/server/handler.go"
	ClientMain    = "cmd/client/main.go"
)

// DefaultAddr is the address the programs listen on and dial by default.
const DefaultAddr = "127.0.0.1:8888"

// File is a file the scaffold writes.
type File struct {
	// Path is slash-separated, relative to the project: one of
	// ServerMain, ServerHandler and ClientMain.
	Path    string
	Content []byte
}

// Write returns the server, its handlers and the client for the services
// of the main IDL, whose base name is idlFile ("user.thrift") and whose
// services are services, in IDL order, given the generated files.
func Write(idlFile string, services []string, files []gen.File) ([]File, error) {
	ix, err := newIndex(files)
	if err != nil {
		return nil, err
	}
	var svcs []*service
	for _, name := range services {
		s, err := ix.findService(idlFile, name)
		if err != nil {
			return nil, err
		}
		svcs = append(svcs, s)
	}
	handlers := handlerNames(svcs)
	writers := []struct {
		path string
		fn   func(*index, string, []*service, []string) (string, error)
	}{
		{ServerMain, serverMain},
		{ServerHandler, serverHandler},
		{ClientMain, clientMain},
	}
	var out []File
	for _, wr := range writers {
		src, err := wr.fn(ix, idlFile, svcs, handlers)
		if err != nil {
			return nil, err
		}
		formatted, err := format.Source([]byte(src))
		if err != nil {
			return nil, fmt.Errorf("%w: formatting %s: %v\n%s", ErrScaffold, wr.path, err, src)
		}
		out = append(out, File{Path: wr.path, Content: formatted})
	}
	return out, nil
}

// handlerNames names the handler type of each service: <Iface>Handler.
func handlerNames(svcs []*service) []string {
	seen := make(map[string]bool)
	out := make([]string, len(svcs))
	for i, s := range svcs {
		n := s.iface.name + "Handler"
		for base, j := n, 2; seen[n]; j++ {
			n = fmt.Sprintf("%s%d", base, j)
		}
		seen[n] = true
		out[i] = n
	}
	return out
}

// lowerFirst returns s with a lower-case first letter.
func lowerFirst(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[size:]
}

// localName returns name, or name with suffix appended as often as needed,
// so that it is not a keyword and not in taken; it marks it taken.
func localName(name, suffix string, taken map[string]bool) string {
	if name == "" || name == "_" {
		name = "v"
	}
	for token.IsKeyword(name) || taken[name] {
		name += suffix
	}
	taken[name] = true
	return name
}

// comment returns text as Go comment lines wrapped at 76 columns, each
// ending in a newline.
func comment(text string) string {
	var b strings.Builder
	line := "//"
	for _, word := range strings.Fields(text) {
		if len(line)+1+len(word) > 76 && line != "//" {
			b.WriteString(line + "\n")
			line = "//"
		}
		line += " " + word
	}
	b.WriteString(line + "\n")
	return b.String()
}

// join joins lines with newlines.
func join(lines []string) string { return strings.Join(lines, "\n") }
