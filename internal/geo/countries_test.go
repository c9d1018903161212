package geo

import (
	"testing"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// TestCountriesMatchXText holds the generated table to what x/text says
// now, so that a newer x/text shows up here: run go generate.
func TestCountriesMatchXText(t *testing.T) {
	t.Parallel()
	got := countryNames()
	namer := display.English.Regions()
	want := 0
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			region, err := language.ParseRegion(code)
			if err != nil || !region.IsCountry() || namer.Name(region) == "" {
				if name, ok := got[code]; ok {
					t.Errorf("countries[%q] = %q, want none", code, name)
				}
				continue
			}
			want++
			if name := namer.Name(region); got[code] != name {
				t.Errorf("countries[%q] = %q, want %q", code, got[code], name)
			}
		}
	}
	if len(got) != want {
		t.Errorf("%d countries, want %d", len(got), want)
	}
}
