// Package sdksource reads names out of aws-sdk-go-v2's generated source in
// the module cache, for tests that hold the server to the service models
// the SDK was generated from (e.g. which exceptions a service declares).
// Test support only: imported from _test.go files.
package sdksource

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
)

// Names returns the first submatch of every match of pattern in file of
// module's source (e.g. "types/errors.go" of
// "github.com/aws/aws-sdk-go-v2/service/detective"). It fails tb when the
// source cannot be read or fewer than atLeast names are found, which means
// the pattern no longer matches the generated code.
func Names(tb testing.TB, module, file, pattern string, atLeast int) map[string]bool {
	tb.Helper()
	out, err := exec.Command("go", "list", "-m", "-json", module).Output()
	if err != nil {
		tb.Fatalf("go list %s: %v", module, err)
	}
	var mod struct{ Dir string }
	if err := json.Unmarshal(out, &mod); err != nil || mod.Dir == "" {
		tb.Fatalf("go list: %s: %v", out, err)
	}
	src, err := os.ReadFile(filepath.Join(mod.Dir, file))
	if err != nil {
		tb.Fatalf("read the SDK's %s: %v", file, err)
	}
	names := map[string]bool{}
	for _, m := range regexp.MustCompile(pattern).FindAllSubmatch(src, -1) {
		names[string(m[1])] = true
	}
	if len(names) < atLeast {
		tb.Fatalf("found %d names in the SDK's %s; the pattern no longer matches it", len(names), file)
	}
	return names
}

// ExceptionPattern matches the exception names in an SDK's types/errors.go.
const ExceptionPattern = `ErrorCodeOverride == nil \{\s*return "(\w+)"`
