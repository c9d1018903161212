package format

import (
	"bufio"
	"bytes"

	"github.com/detective-local/detective-local/internal/ingest/stream"
)

// detectBytes is how much of the input Detect looks at.
const detectBytes = 64 << 10

// Detect tells the format of the input at the start of br from its
// content, consuming nothing. It looks at the first record only, so a
// file mixing formats decodes as its first record's format.
func Detect(br *bufio.Reader) (Format, error) {
	head, _ := br.Peek(min(br.Size(), detectBytes))
	head = bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(head) == 0 {
		return "", unknown("the input is empty")
	}
	if head[0] == '{' || head[0] == '[' {
		if f, ok := detectJSON(head); ok {
			return f, nil
		}
		return "", unknown("the JSON input is not a known log format")
	}
	if isFlowLog(head) {
		return VPCFlow, nil
	}
	if bytes.Contains(firstLine(head), []byte("audit.k8s.io")) {
		return EKSAudit, nil // a CloudWatch Logs export line: timestamp, then the event
	}
	return "", unknown("the input is neither JSON nor a flow log")
}

// detectJSON recognises a JSON log by its first key, then by the members
// only its format has.
func detectJSON(head []byte) (Format, bool) {
	first := stream.FirstKey(bytes.TrimLeft(head, "[ \t\r\n"))
	switch first {
	case "Records", "eventVersion":
		return CloudTrail, true
	}
	lower := bytes.ToLower(head)
	has := func(s string) bool { return bytes.Contains(lower, []byte(s)) }
	switch {
	case has(`"detail-type"`) && has(`guardduty finding`):
		return GuardDuty, true
	case has(`"detail-type"`) && has(`security hub findings`):
		return ASFF, true
	case has(`"detail-type"`) && has(`via cloudtrail`):
		return CloudTrail, true
	case has(`"productarn"`) && has(`"schemaversion"`):
		return ASFF, true
	case has(`audit.k8s.io`), has(`"loggroup"`) && has(`/aws/eks/`):
		return EKSAudit, true
	case has(`"eventversion"`) && has(`"eventsource"`):
		return CloudTrail, true
	case has(`"schemaversion"`) && has(`"type"`) && has(`"service"`):
		return GuardDuty, true
	}
	return "", false
}

// isFlowLog reports whether the first line is a flow log header (field
// names only, among them srcaddr or interface-id) or a default-format
// record (a version number, then 13 more fields).
func isFlowLog(head []byte) bool {
	fields := bytes.Fields(firstLine(head))
	if len(fields) < 3 {
		return false
	}
	names, known := true, false
	for _, f := range fields {
		switch string(f) {
		case "srcaddr", "dstaddr", "interface-id", "log-status":
			known = true
		}
		if len(bytes.Trim(f, "abcdefghijklmnopqrstuvwxyz-")) > 0 {
			names = false
		}
	}
	if names && known {
		return true
	}
	v := fields[0]
	return len(fields) == 14 && len(v) == 1 && v[0] >= '2' && v[0] <= '9'
}

func firstLine(b []byte) []byte {
	line, _, _ := bytes.Cut(b, []byte{'\n'})
	return line
}
