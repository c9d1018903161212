package main

import (
	"bufio"
	"context"
	"errors"
	"io"

	"github.com/detective-local/detective-local/internal/ingest"
)

// decoders is ingest.Decoders over the log decoders.
type decoders struct{}

var errNoDecoders = errors.New("this build has no log decoders")

func (decoders) Open(r io.Reader) (io.Reader, error) { return r, nil }

func (decoders) Detect(*bufio.Reader) (ingest.Format, error) { return "", errNoDecoders }

func (decoders) Formats() []ingest.Format {
	return []ingest.Format{"cloudtrail", "vpcflow", "guardduty", "asff", "eks-audit"}
}

func (decoders) Decode(context.Context, ingest.Format, io.Reader, ingest.DecodeOptions, ingest.Sink) error {
	return errNoDecoders
}
