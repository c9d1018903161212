package orgsapi

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"testing"

	orgsdk "github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/detective-local/detective-local/internal/organizations"
)

// TestRoutesMatchSDK checks that every route is an operation of the SDK's
// client, spelt the same, and that the table is sorted without repeats.
func TestRoutesMatchSDK(t *testing.T) {
	client := reflect.TypeOf(&orgsdk.Client{})
	var names []string
	for _, rt := range routes {
		if _, ok := client.MethodByName(rt.name); !ok {
			t.Errorf("route %s is not an operation of the Organizations SDK client", rt.name)
		}
		names = append(names, rt.name)
	}
	if !slices.IsSorted(names) || len(slices.Compact(slices.Clone(names))) != len(names) {
		t.Errorf("routes are not sorted and unique: %v", names)
	}
}

// TestExceptionsComplete checks that every exception the service returns
// is one the SDK models, read from the SDK's own types/errors.go.
func TestExceptionsComplete(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-json", "github.com/aws/aws-sdk-go-v2/service/organizations").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var mod struct{ Dir string }
	if err := json.Unmarshal(out, &mod); err != nil || mod.Dir == "" {
		t.Fatalf("go list: %s: %v", out, err)
	}
	src, err := os.ReadFile(filepath.Join(mod.Dir, "types", "errors.go"))
	if err != nil {
		t.Fatalf("read the SDK's errors: %v", err)
	}
	modeled := map[string]bool{}
	for _, m := range regexp.MustCompile(`ErrorCodeOverride == nil \{\s*return "(\w+)"`).FindAllSubmatch(src, -1) {
		modeled[string(m[1])] = true
	}
	if len(modeled) < 20 {
		t.Fatalf("found %d exceptions in the SDK's errors.go; the pattern no longer matches it", len(modeled))
	}
	for _, c := range organizations.Codes() {
		if !modeled[string(c)] {
			t.Errorf("exception %s is not modeled by the Organizations SDK", c)
		}
	}
}
