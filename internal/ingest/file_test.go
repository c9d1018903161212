package ingest_test

import (
	"testing"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/ingest"
)

// TestIngestFileAgain checks that a file read again is not parsed when
// its records would all go to graphs that hold them, and is when its
// routes lead somewhere new.
func TestIngestFileAgain(t *testing.T) {
	t.Parallel()
	w := mustWorld(t)
	p := w.pipeline(ingest.Config{})
	ls := append(apiLines(20, admin), `{"eventID": "broken"`, event("late1", invited, region, "carol", ""))
	first, err := p.Ingest(t.Context(), fileOf(ls...), ingest.Request{})
	if err != nil {
		t.Fatal(err)
	}
	if first.Accepted != 20 || first.Skipped["no-graph"] != 1 || len(first.Errors) != 1 {
		t.Fatalf("first ingest = %+v, want 20 accepted, 1 without a graph, 1 malformed", first)
	}
	again, err := p.Ingest(t.Context(), fileOf(ls...), ingest.Request{})
	if err != nil {
		t.Fatal(err)
	}
	// Not parsed: the malformed record is not reported again.
	if again.Records != first.Records || again.Accepted != 0 || again.Skipped["duplicate"] != first.Records || len(again.Errors) != 0 {
		t.Errorf("second ingest = %+v, want all %d records duplicates, unparsed", again, first.Records)
	}
	// Once the invited account is a member, its record has a graph to go to.
	if err := w.svc.AcceptInvitation(t.Context(), detective.Caller{Account: invited, Region: region}, w.graph); err != nil {
		t.Fatal(err)
	}
	third, err := p.Ingest(t.Context(), fileOf(ls...), ingest.Request{})
	if err != nil {
		t.Fatal(err)
	}
	if third.Accepted != 1 || third.Skipped["duplicate"] != 20 || len(third.Errors) != 1 {
		t.Errorf("ingest after a route changed = %+v, want the new member's record accepted, the rest duplicates", third)
	}
}
