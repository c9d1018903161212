package awsapi

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/detective"
	"github.com/aws/aws-sdk-go-v2/service/detective/types"

	domain "github.com/detective-local/detective-local/internal/detective"
)

// TestRoutesMatchSDK requires exactly one route per operation of the SDK's
// Detective client, sorted by name.
func TestRoutesMatchSDK(t *testing.T) {
	ct := reflect.TypeOf(&detective.Client{})
	var ops []string
	for i := range ct.NumMethod() {
		if name := ct.Method(i).Name; name != "Options" {
			ops = append(ops, name)
		}
	}
	var names []string
	for _, r := range routes {
		names = append(names, r.name)
		if method, path, ok := strings.Cut(r.pattern, " "); !ok || method == "" || !strings.HasPrefix(path, "/") {
			t.Errorf("route %s has pattern %q, want \"METHOD /path\"", r.name, r.pattern)
		}
	}
	if !slices.IsSorted(names) {
		t.Errorf("routes are not sorted by name")
	}
	if !slices.Equal(names, ops) || len(names) != 29 {
		t.Errorf("routes = %v\nSDK operations = %v\nwant the same 29", names, ops)
	}
}

// TestExceptionsComplete requires every domain Kind to map to a distinct
// modeled exception, and every modeled exception to be reachable.
func TestExceptionsComplete(t *testing.T) {
	modeled := map[string]int{
		(&types.AccessDeniedException{}).ErrorCode():         403,
		(&types.ConflictException{}).ErrorCode():             409,
		(&types.InternalServerException{}).ErrorCode():       500,
		(&types.ResourceNotFoundException{}).ErrorCode():     404,
		(&types.ServiceQuotaExceededException{}).ErrorCode(): 402,
		(&types.TooManyRequestsException{}).ErrorCode():      429,
		(&types.ValidationException{}).ErrorCode():           400,
	}
	reached := map[string]bool{}
	for _, k := range domain.Kinds() {
		status, typ := exception(k)
		want, ok := modeled[typ]
		if !ok || status != want {
			t.Errorf("exception(%v) = %d %s, want a modeled exception with its status", k, status, typ)
		}
		if reached[typ] {
			t.Errorf("exception(%v) = %s, already used by another kind", k, typ)
		}
		reached[typ] = true
	}
	for typ := range modeled {
		if !reached[typ] {
			t.Errorf("modeled exception %s has no Kind", typ)
		}
	}
}
