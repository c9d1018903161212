package console

import "testing"

// TestPagesParse parses every page, as the first page served does: pages
// are parsed on first use, so a broken template would otherwise surface
// only when someone opens the console.
func TestPagesParse(t *testing.T) {
	t.Parallel()
	pages := parsePages()
	for _, name := range []string{"signin", "graphs", "investigations", "investigation", "profile", "groups", "error"} {
		if pages[name] == nil {
			t.Errorf("page %q was not parsed", name)
		}
	}
}
