package synth_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/ingest/format"
	"github.com/detective-local/detective-local/internal/ingest/synth"
)

type countSink struct {
	records, failed, malformed int
	principals                 map[string]bool
}

func (s *countSink) Record(r behavior.Record) error {
	s.records++
	if r.API.ErrorCode != "" {
		s.failed++
	}
	s.principals[r.API.PrincipalARN] = true
	return nil
}
func (s *countSink) Malformed(format.Position, error) { s.malformed++ }
func (s *countSink) Skipped(format.Position, string)  {}

func TestWriteFileDecodes(t *testing.T) {
	var buf bytes.Buffer
	g := synth.New(synth.CloudTrail{})
	if err := g.WriteFile(&buf, 0, 2000); err != nil {
		t.Fatal(err)
	}
	sink := &countSink{principals: map[string]bool{}}
	if err := format.Decode(context.Background(), format.CloudTrail, &buf, format.Options{}, sink); err != nil {
		t.Fatal(err)
	}
	if sink.records != 2000 || sink.malformed != 0 || sink.failed != 100 || len(sink.principals) < 100 {
		t.Errorf("decoded %d records, %d malformed, %d failed, %d principals; want 2000, 0, 100 and hundreds",
			sink.records, sink.malformed, sink.failed, len(sink.principals))
	}
	again := g.AppendEvent(nil, 7)
	if !bytes.Equal(again, synth.New(synth.CloudTrail{}).AppendEvent(nil, 7)) {
		t.Errorf("event 7 differs between two generators")
	}
	if other := synth.New(synth.CloudTrail{Run: "b"}).AppendEvent(nil, 7); bytes.Equal(again, other) {
		t.Errorf("event 7 is the same in two runs")
	}
}
