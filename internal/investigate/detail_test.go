package investigate

import (
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/detective/types"

	"github.com/detective-local/detective-local/internal/detective"
)

// modelDetail is the service model's detail shape of each indicator type,
// as aws-sdk-go-v2 generates it.
var modelDetail = map[detective.IndicatorType]reflect.Type{
	detective.IndicatorTTPObserved:         reflect.TypeFor[types.TTPsObservedDetail](),
	detective.IndicatorImpossibleTravel:    reflect.TypeFor[types.ImpossibleTravelDetail](),
	detective.IndicatorFlaggedIPAddress:    reflect.TypeFor[types.FlaggedIpAddressDetail](),
	detective.IndicatorNewGeolocation:      reflect.TypeFor[types.NewGeolocationDetail](),
	detective.IndicatorNewASO:              reflect.TypeFor[types.NewAsoDetail](),
	detective.IndicatorNewUserAgent:        reflect.TypeFor[types.NewUserAgentDetail](),
	detective.IndicatorRelatedFinding:      reflect.TypeFor[types.RelatedFindingDetail](),
	detective.IndicatorRelatedFindingGroup: reflect.TypeFor[types.RelatedFindingGroupDetail](),
}

// goTypeOf is the Go type a detail value must have for a model member:
// string for strings and enums, int64 for long, int32 for integer, bool.
func goTypeOf(member reflect.Type) reflect.Type {
	if member.Kind() == reflect.Pointer {
		member = member.Elem()
	}
	switch member.Kind() {
	case reflect.String:
		return reflect.TypeFor[string]()
	case reflect.Int64:
		return reflect.TypeFor[int64]()
	case reflect.Int32:
		return reflect.TypeFor[int32]()
	case reflect.Bool:
		return reflect.TypeFor[bool]()
	}
	return member
}

// TestDetailsMatchModel checks every indicator the scenarios produce
// against the model: each member present (the optional IpAddress of a
// finding without one aside), no other keys, each value of the member's
// type.
func TestDetailsMatchModel(t *testing.T) {
	w := newWorld()
	normalUse(w)
	compromise(w)
	inds, _, _ := mustInvestigate(t, newTestEngine(w, DefaultSettings()), alice)
	seen := map[detective.IndicatorType]bool{}
	for _, ind := range inds {
		seen[ind.Type] = true
		model, ok := modelDetail[ind.Type]
		if !ok {
			t.Fatalf("indicator type %s is not in the model", ind.Type)
		}
		members := map[string]bool{}
		for f := range model.Fields() {
			if !f.IsExported() {
				continue
			}
			members[f.Name] = true
			v, ok := ind.Detail[f.Name]
			if !ok {
				t.Errorf("%s detail has no %s: %v", ind.Type, f.Name, ind.Detail)
				continue
			}
			if got, want := reflect.TypeOf(v), goTypeOf(f.Type); got != want {
				t.Errorf("%s.%s is a %s, the model's member is %s (want Go %s)", ind.Type, f.Name, got, f.Type, want)
			}
		}
		for k := range ind.Detail {
			if !members[k] {
				t.Errorf("%s detail has %s, which %s has not", ind.Type, k, model.Name())
			}
		}
	}
	for typ := range modelDetail {
		if !seen[typ] {
			t.Errorf("the scenario produced no %s", typ)
		}
	}
}
