package rpc_test

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestGeneratedCodeIsCurrent regenerates gen/ into a temporary directory
// with generate.sh, that is with this checkout's volo command, and fails if
// the committed files differ from what the generator writes today.
func TestGeneratedCodeIsCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the volo command")
	}
	out := filepath.Join(t.TempDir(), "gen")
	cmd := exec.Command("bash", "generate.sh", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("generate.sh: %v\n%s", err, b)
	}
	want := map[string]bool{}
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		want[rel] = true
		got, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		committed, err := os.ReadFile(filepath.Join("gen", rel))
		if err != nil {
			t.Errorf("gen/%s is not committed: run generate.sh", rel)
			return nil
		}
		if !bytes.Equal(committed, got) {
			t.Errorf("gen/%s differs from the generator's output: run generate.sh", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir("gen", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel("gen", p)
		if !want[rel] {
			t.Errorf("gen/%s is not generated: run generate.sh", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
