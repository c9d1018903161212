// Package stream is what every log decoder shares: the Sink a decoder
// hands its records to, the Position it reports bad records at, the
// Options the caller passes, and the framing of a byte stream into
// records (bounded lines; the elements of a JSON array, JSON lines, or
// JSON values one after another).
//
// Framing never buffers a whole file: memory is bounded by the largest
// record, which Options.MaxRecordBytes caps.
//
// Imports: stdlib and internal/behavior only.
package stream
