package columncodec

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/detective-local/detective-local/internal/detective"
)

var (
	t0   = time.Date(2026, 11, 21, 7, 0, 0, 0, time.UTC)
	core = detective.PackageState{Package: detective.PackageDetectiveCore, State: detective.IngestStarted,
		Started: t0, VolumeBytes: 5 << 40, VolumeTime: t0.Add(time.Millisecond)} // more than 32 bits
	eks = detective.PackageState{Package: detective.PackageEKSAudit, State: detective.IngestStopped,
		Started: t0.Add(2 * time.Millisecond), Stopped: t0.Add(3 * time.Millisecond)}
	asff = detective.PackageState{Package: detective.PackageASFFSecurityHubFinding, State: detective.IngestDisabled,
		Disabled: t0.Add(4 * time.Millisecond), VolumeBytes: 1}
)

func TestPackagesRoundTrip(t *testing.T) {
	t.Parallel()
	local := time.FixedZone("X", 3600)
	for _, tc := range []struct {
		name     string
		in, want []detective.PackageState
	}{
		{"None", nil, nil},
		{"Empty", []detective.PackageState{}, nil},
		{"PackageOrder", []detective.PackageState{asff, core, eks}, []detective.PackageState{core, eks, asff}},
		// The zero time is "never" and comes back as the zero time; the
		// Unix epoch is an instant like any other.
		{"ZeroTimes", []detective.PackageState{{Package: detective.PackageDetectiveCore, State: detective.IngestStopped}}, nil},
		{"Epoch", []detective.PackageState{{Package: detective.PackageEKSAudit, State: detective.IngestStarted,
			Started: time.Unix(0, 0).UTC(), VolumeTime: time.Unix(0, 0).UTC()}}, nil},
		{"LocalZoneToUTC", []detective.PackageState{{Package: detective.PackageDetectiveCore, State: detective.IngestStarted,
			Started: t0.In(local)}}, []detective.PackageState{{Package: detective.PackageDetectiveCore, State: detective.IngestStarted,
			Started: t0}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.want
			if want == nil && len(tc.in) > 0 {
				want = tc.in
			}
			s, err := EncodePackages(tc.in)
			if err != nil {
				t.Fatalf("EncodePackages: %v", err)
			}
			if len(tc.in) == 0 && s != "" {
				t.Errorf("EncodePackages(%v) = %q, want \"\"", tc.in, s)
			}
			if s != "" && !json.Valid([]byte(s)) {
				t.Errorf("EncodePackages(%v) = %q, not JSON", tc.in, s)
			}
			got, err := DecodePackages(s)
			if err != nil {
				t.Fatalf("DecodePackages(%q): %v", s, err)
			}
			if want == nil && got != nil {
				t.Errorf("DecodePackages(%q) = %#v, want nil", s, got)
			}
			// Equal instants in the same zone, so == on time.Time would do;
			// cmp compares them that way too.
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("DecodePackages(EncodePackages()) mismatch (-want +got):\n%s", diff)
			}
			for i, p := range got {
				for name, tm := range map[string]time.Time{"Started": p.Started, "Stopped": p.Stopped,
					"Disabled": p.Disabled, "VolumeTime": p.VolumeTime} {
					if !tm.IsZero() && tm.Location() != time.UTC {
						t.Errorf("[%d] %s = %v, want UTC", i, name, tm)
					}
				}
			}
		})
	}
}

func TestEncodePackagesKeepsInput(t *testing.T) {
	t.Parallel()
	in := []detective.PackageState{asff, core}
	if _, err := EncodePackages(in); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]detective.PackageState{asff, core}, in); diff != "" {
		t.Errorf("EncodePackages changed its input (-want +got):\n%s", diff)
	}
}

func TestDecodePackagesRejectsGarbage(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"{", "{}", "[", "[[]]", `[{"p":1}]`,
		`[["DETECTIVE_CORE","STARTED",1,null,null,0]]`,           // short
		`[["DETECTIVE_CORE","STARTED",1,null,null,0,null,9]]`,    // long
		`[["DETECTIVE_CORE","STARTED",1,null,null,0,null]]x`,     // trailing
		`[["DETECTIVE_CORE","STARTED",1,null,null,0,null],]`,     // dangling comma
		`[["DETECTIVE_CORE", "STARTED",1,null,null,0,null]]`,     // space
		`[["DETECTIVE\u005fCORE","STARTED",1,null,null,0,null]]`, // escape
		`[["DETECTIVE_CORE","STARTED",1.5,null,null,0,null]]`,    // not an integer
		`[["DETECTIVE_CORE","STARTED",nul,null,null,0,null]]`,
		`[["DETECTIVE_CORE","STARTED",-,null,null,0,null]]`,
		`[["DETECTIVE_CORE","STARTED",99999999999999999999,null,null,0,null]]`,
	} {
		if ps, err := DecodePackages(s); err == nil {
			t.Errorf("DecodePackages(%q) = %v, want an error", s, ps)
		}
	}
	if ps, err := DecodePackages("[]"); err != nil || ps != nil {
		t.Errorf(`DecodePackages("[]") = %v, %v; want nil, nil`, ps, err)
	}
}

func TestEncodePackagesRejectsEscapes(t *testing.T) {
	t.Parallel()
	for _, p := range []detective.PackageState{
		{Package: `A"B`, State: detective.IngestStarted},
		{Package: detective.PackageDetectiveCore, State: "A\\B"},
		{Package: "A\nB", State: detective.IngestStarted},
	} {
		if s, err := EncodePackages([]detective.PackageState{p}); err == nil {
			t.Errorf("EncodePackages(%+v) = %q, want an error", p, s)
		}
	}
}

// FuzzDecodePackages checks that DecodePackages never panics and that what
// it accepts survives a round trip.
func FuzzDecodePackages(f *testing.F) {
	good, err := EncodePackages([]detective.PackageState{core, eks, asff})
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{good, "", "[]", `[["X","Y",null,null,null,-1,0]]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ps, err := DecodePackages(s)
		if err != nil {
			return
		}
		again, err := EncodePackages(ps)
		if err != nil {
			t.Fatalf("EncodePackages(DecodePackages(%q)): %v", s, err)
		}
		back, err := DecodePackages(again)
		if err != nil {
			t.Fatalf("DecodePackages(%q): %v", again, err)
		}
		detective.SortPackages(ps)
		if diff := cmp.Diff(ps, back); diff != "" {
			t.Errorf("round trip of %q mismatch (-want +got):\n%s", s, diff)
		}
	})
}

func TestPutPackages(t *testing.T) {
	t.Parallel()
	stored, err := EncodePackages([]detective.PackageState{core, eks})
	if err != nil {
		t.Fatal(err)
	}
	eks2 := detective.PackageState{Package: detective.PackageEKSAudit, State: detective.IngestDisabled,
		Disabled: t0.Add(9 * time.Millisecond), VolumeBytes: 7}
	ignored := detective.PackageState{Package: detective.PackageASFFSecurityHubFinding, State: detective.IngestStopped}
	for _, tc := range []struct {
		name   string
		stored string
		put    []detective.PackageState
		want   []detective.PackageState
	}{
		{"NothingPut", stored, nil, []detective.PackageState{core, eks}},
		{"NothingStored", "", []detective.PackageState{eks, core}, []detective.PackageState{core, eks}},
		// A named package is replaced whole, set times by "never" too;
		// the others keep theirs.
		{"ReplaceAndAdd", stored, []detective.PackageState{asff, eks2}, []detective.PackageState{core, eks2, asff}},
		{"LastWins", stored, []detective.PackageState{ignored, asff}, []detective.PackageState{core, eks, asff}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := PutPackages(tc.stored, tc.put)
			if err != nil {
				t.Fatalf("PutPackages: %v", err)
			}
			got, err := DecodePackages(s)
			if err != nil {
				t.Fatalf("DecodePackages(%q): %v", s, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("PutPackages mismatch (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := PutPackages("[", []detective.PackageState{core}); err == nil {
		t.Errorf("PutPackages over garbage succeeded")
	}
}

// BenchmarkDecodePackages is the per-member cost of reading the column, to
// set against the per-row cost of the table it replaced.
func BenchmarkDecodePackages(b *testing.B) {
	s, err := EncodePackages([]detective.PackageState{core, eks, asff})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodePackages(s); err != nil {
			b.Fatal(err)
		}
	}
}
