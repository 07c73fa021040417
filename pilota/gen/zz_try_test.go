package gen_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govolo/volo/pilota/gen"
	"github.com/govolo/volo/pilota/thriftidl"
)

func TestTryGen(t *testing.T) {
	for _, idl := range strings.Fields(os.Getenv("IDL")) {
		prog, err := thriftidl.Load(idl)
		if err != nil {
			t.Fatal(err)
		}
		files, err := gen.Generate(prog, os.Getenv("IMP"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			p := filepath.Join(os.Getenv("OUT"), f.Path)
			os.MkdirAll(filepath.Dir(p), 0o755)
			os.WriteFile(p, f.Content, 0o644)
			t.Log(p)
		}
	}
}
