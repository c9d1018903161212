package investigate

import (
	"fmt"
	"slices"

	"github.com/detective-local/detective-local/internal/detective"
)

// novel is a value (a location, an ASO, a user agent) the entity used in
// scope and not in its baseline, with the aggregates that used it.
type novel[K comparable] struct {
	key   K
	calls []Call // earliest first
}

func (n novel[K]) first() Call { return n.calls[0] }

// novelties are the values new to the entity, found before the account is
// asked whether they are new to it too.
type novelties struct {
	locations  []novel[locationKey]
	asos       []novel[asoKey]
	userAgents []novel[string]
}

type (
	locationKey struct{ countryCode, region, city string }
	asoKey      struct {
		number       uint32
		organization string // only when number is unknown
	}
)

func locationOf(c Call) (locationKey, bool) {
	if c.Location == nil || !isPublic(c.SourceIP) {
		return locationKey{}, false
	}
	return keyOfLocation(*c.Location), true
}

func keyOfLocation(l Location) locationKey { return locationKey{l.CountryCode, l.Region, l.City} }

func asoOf(c Call) (asoKey, bool) {
	if c.ASO == nil || !isPublic(c.SourceIP) {
		return asoKey{}, false
	}
	return keyOfASO(*c.ASO), true
}

func keyOfASO(a ASO) asoKey {
	if a.Number != 0 {
		return asoKey{number: a.Number}
	}
	return asoKey{organization: a.Organization}
}

func userAgentOf(c Call) (string, bool) { return c.UserAgent, c.UserAgent != "" }

// baseline is what the entity used before scope: the sets of its
// locations, ASOs and user agents, all that novelty needs of it.
type baseline struct {
	aggregates int
	locations  map[locationKey]bool
	asos       map[asoKey]bool
	userAgents map[string]bool
	// last is the previous aggregate's location and ASO: aggregates of
	// one IP share them, so most add no map lookup.
	lastLocation *Location
	lastASO      *ASO
}

func newBaseline() baseline {
	return baseline{locations: map[locationKey]bool{}, asos: map[asoKey]bool{}, userAgents: map[string]bool{}}
}

// add records an aggregate of the baseline. Unlike scope's, its source IP
// is not checked for being public: a location or ASO in the baseline can
// only make a value less new.
func (b *baseline) add(c Call) {
	b.aggregates++
	if c.Location != nil && c.Location != b.lastLocation {
		b.locations[keyOfLocation(*c.Location)] = true
		b.lastLocation = c.Location
	}
	if c.ASO != nil && c.ASO != b.lastASO {
		b.asos[keyOfASO(*c.ASO)] = true
		b.lastASO = c.ASO
	}
	if c.UserAgent != "" {
		b.userAgents[c.UserAgent] = true
	}
}

// findNovelties returns the locations, ASOs and user agents the entity
// used in scope and not in baseline, each in order of first use.
func findNovelties(in *input) novelties {
	return novelties{
		locations:  newValues(in.scoped, in.baseline.locations, locationOf),
		asos:       newValues(in.scoped, in.baseline.asos, asoOf),
		userAgents: newValues(in.scoped, in.baseline.userAgents, userAgentOf),
	}
}

func newValues[K comparable](scoped []Call, known map[K]bool, value func(Call) (K, bool)) []novel[K] {
	byKey := map[K]*novel[K]{}
	for _, c := range scoped {
		k, ok := value(c)
		if !ok || known[k] {
			continue
		}
		n := byKey[k]
		if n == nil {
			n = &novel[K]{key: k}
			byKey[k] = n
		}
		n.calls = append(n.calls, c)
	}
	out := make([]novel[K], 0, len(byKey))
	for _, n := range byKey {
		out = append(out, *n)
	}
	slices.SortFunc(out, func(a, b novel[K]) int { return compareCalls(a.first(), b.first()) })
	return out
}

// candidates is what to ask the account about: every value new to the
// entity.
func (n novelties) candidates() Profile {
	var p Profile
	for _, l := range n.locations {
		p.Locations = append(p.Locations, *l.first().Location)
	}
	for _, a := range n.asos {
		p.ASOs = append(p.ASOs, *a.first().ASO)
	}
	for _, u := range n.userAgents {
		p.UserAgents = append(p.UserAgents, u.key)
	}
	return p
}

// detectNovelties reports NEW_GEOLOCATION, NEW_ASO and NEW_USER_AGENT for
// values new to the entity; IsNewForEntireAccount is whether no principal
// of the account used the value in the baseline either (in.accountSeen).
// Nothing is new before the account has trained (in.trained).
func detectNovelties(in *input) []result {
	n, accountSeen := in.novel, in.accountSeen
	if !in.trained {
		return nil
	}
	seenLocations, seenASOs, seenAgents := map[locationKey]bool{}, map[asoKey]bool{}, map[string]bool{}
	for _, l := range accountSeen.Locations {
		seenLocations[keyOfLocation(l)] = true
	}
	for _, a := range accountSeen.ASOs {
		seenASOs[keyOfASO(a)] = true
	}
	for _, u := range accountSeen.UserAgents {
		seenAgents[u] = true
	}
	rule := func(what string, shown any, newForAccount bool, calls []Call) Why {
		account := "but seen elsewhere in the account"
		if newForAccount {
			account = "and by no principal of the account"
		}
		return Why{
			Rule:  fmt.Sprintf("%s %q used in %d hourly aggregates in scope, not in the %d of the baseline, %s", what, shown, len(calls), in.baseline.aggregates, account),
			Calls: calls,
		}
	}
	var out []result
	for _, l := range n.locations {
		first := l.first()
		newForAccount := !seenLocations[l.key]
		out = append(out, result{
			indicator: detective.Indicator{Type: detective.IndicatorNewGeolocation, Detail: map[string]any{
				"Location":              first.Location.String(),
				"IpAddress":             first.SourceIP,
				"IsNewForEntireAccount": newForAccount,
			}},
			newForAccount: newForAccount,
			why:           rule("location", first.Location.String(), newForAccount, l.calls),
		})
	}
	for _, a := range n.asos {
		first := a.first()
		newForAccount := !seenASOs[a.key]
		out = append(out, result{
			indicator: detective.Indicator{Type: detective.IndicatorNewASO, Detail: map[string]any{
				"Aso":                   first.ASO.String(),
				"IsNewForEntireAccount": newForAccount,
			}},
			newForAccount: newForAccount,
			why:           rule("ASO", first.ASO.String(), newForAccount, a.calls),
		})
	}
	for _, u := range n.userAgents {
		newForAccount := !seenAgents[u.key]
		out = append(out, result{
			indicator: detective.Indicator{Type: detective.IndicatorNewUserAgent, Detail: map[string]any{
				"UserAgent":             u.key,
				"IsNewForEntireAccount": newForAccount,
			}},
			newForAccount: newForAccount,
			why:           rule("user agent", u.key, newForAccount, u.calls),
		})
	}
	return out
}
