package cloudtrail

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"syscall"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/ingest/stream"
)

// generate returns a CloudTrail log file of n records shaped like
// real management events (about 1.3 KB each).
func generate(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"Records":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","principalId":"AROAIDPPEZS35WEXAMPLE:session-%d","arn":"arn:aws:sts::123456789012:assumed-role/WebServerRole/session-%d","accountId":"123456789012","accessKeyId":"ASIAIOSFODNN7EX%05d","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAIDPPEZS35WEXAMPLE","arn":"arn:aws:iam::123456789012:role/WebServerRole","accountId":"123456789012","userName":"WebServerRole"},"webIdFederationData":{},"attributes":{"creationDate":"2025-03-14T08:02:11Z","mfaAuthenticated":"false"}}},"eventTime":"2025-03-14T09:%02d:%02dZ","eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.%d","userAgent":"aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.170.0","requestParameters":{"instancesSet":{"items":[{"instanceId":"i-0a1b2c3d4e5f%05d"}]},"filterSet":{}},"responseElements":null,"requestID":"5b1e1a96-6f4f-4bd0-8d5b-%012d","eventID":"30e1c3f7-6fd5-4b2c-9c4a-%012d","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123456789012","eventCategory":"Management","tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"ec2.us-east-1.amazonaws.com"}}`,
			i, i, i%100000, (i/60)%60, i%60, i%250, i%100000, i, i)
	}
	b.WriteString("]}\n")
	return b.Bytes()
}

// countSink counts records and nothing else, so the benchmark measures
// decoding alone.
type countSink struct{ n int }

func (s *countSink) Record(behavior.Record) error     { s.n++; return nil }
func (s *countSink) Malformed(stream.Position, error) {}
func (s *countSink) Skipped(stream.Position, string)  {}

func BenchmarkDecodeCloudTrail(b *testing.B) {
	const records = 10_000
	plain := generate(records)
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	if _, err := zw.Write(plain); err != nil {
		b.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		open func() (io.Reader, error)
	}{
		{"plain", func() (io.Reader, error) { return bytes.NewReader(plain), nil }},
		{"gzip", func() (io.Reader, error) { return gzip.NewReader(bytes.NewReader(zipped.Bytes())) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(plain)))
			b.ReportAllocs()
			cpu := cpuTime(b)
			for b.Loop() {
				r, err := bc.open()
				if err != nil {
					b.Fatal(err)
				}
				var sink countSink
				if err := Decode(context.Background(), r, stream.Options{}, &sink); err != nil {
					b.Fatal(err)
				}
				if sink.n != records {
					b.Fatalf("decoded %d records, want %d", sink.n, records)
				}
			}
			b.ReportMetric(float64(records*b.N)/b.Elapsed().Seconds(), "records/s")
			b.ReportMetric(float64(records*b.N)/(cpuTime(b)-cpu).Seconds(), "records/cpu-s")
		})
	}
}

// cpuTime is the CPU time this process has used. On a shared machine
// wall-clock rates understate the decoder; records per CPU-second is the
// per-core figure.
func cpuTime(tb testing.TB) time.Duration {
	tb.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
