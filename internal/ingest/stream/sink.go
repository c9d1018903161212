package stream

import "github.com/detective-local/detective-local/internal/behavior"

// Position is where a record sits in its file, for messages. Both
// numbers are 1-based; Line is 0 when the format is not line-based.
type Position struct{ Line, Record int64 }

// Sink receives what a decoder reads, in file order.
type Sink interface {
	// Record takes one well-formed record. An error stops decoding and is
	// returned by the decoder as is (a cancelled context, a full store).
	Record(behavior.Record) error
	// Malformed reports a record that could not be read. Decoding goes on
	// with the next record when the format allows it.
	Malformed(pos Position, err error)
	// Skipped reports a well-formed record that carries no data (a flow
	// log NODATA line, a CloudTrail Insights event), with a short reason
	// such as ReasonNoData.
	Skipped(pos Position, reason string)
}

// Reasons a decoder gives Sink.Skipped.
const (
	ReasonNoData       = "nodata"        // flow log: no traffic in the window
	ReasonSkipData     = "skipdata"      // flow log: records lost in the window
	ReasonInsightEvent = "insight-event" // CloudTrail Insights, not an API call
	ReasonNotAudit     = "not-audit"     // a log line that is not an audit event
)

// Options are what the caller knows that a file may not say.
type Options struct {
	// Region and Account fill records whose format does not carry them.
	Region, Account string
	// MaxRecordBytes caps one record (a line, a JSON element); 0 means
	// DefaultMaxRecordBytes. A longer record is reported as malformed.
	MaxRecordBytes int
	// Cluster names the EKS cluster of audit events whose source does not.
	Cluster string
}

// DefaultMaxRecordBytes is large enough for any CloudTrail event (AWS
// caps them at 256 KiB) and any Kubernetes audit event we have seen,
// yet small enough that one bad record cannot exhaust memory.
const DefaultMaxRecordBytes = 4 << 20

// MaxRecord returns the record cap in force.
func (o Options) MaxRecord() int {
	if o.MaxRecordBytes > 0 {
		return o.MaxRecordBytes
	}
	return DefaultMaxRecordBytes
}
