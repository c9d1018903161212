package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestMutantsApply: every mutant still finds its text exactly once, so the
// list does not rot silently as the code it breaks changes.
func TestMutantsApply(t *testing.T) {
	seen := map[string]bool{}
	for _, m := range mutants() {
		if seen[m.Name] {
			t.Errorf("mutant %s listed twice", m.Name)
		}
		seen[m.Name] = true
		src, err := os.ReadFile(filepath.Join("..", "..", filepath.FromSlash(m.File)))
		if err != nil {
			t.Errorf("%s: %v", m.Name, err)
			continue
		}
		if _, err := m.apply(src); err != nil {
			t.Error(err)
		}
		if m.Tests == "" || len(m.Packages) == 0 {
			t.Errorf("%s names no tests", m.Name)
		}
	}
}
