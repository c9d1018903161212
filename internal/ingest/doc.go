// Package ingest is the pipeline every way in (HTTP, CLI, S3) shares: it
// reads a stream of log records of any supported format, routes each to
// the behavior graphs that take it (behavior.Route), enriches public
// source addresses, collapses records into hourly aggregates in memory and
// writes them to a behavior.Store a batch per transaction, counting what
// it accepted, skipped and could not read.
//
// Imports: stdlib, internal/arn, internal/detective, internal/behavior,
// internal/geo (its value types) and the decoders (internal/ingest/format).
// Never a concrete store, never net/http.
package ingest
