package main

import "log/slog"

// readableDurations writes durations in logs as Go spells them ("1.5ms"),
// not as the nanosecond integers slog's JSON handler writes.
func readableDurations(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		return slog.String(a.Key, a.Value.Duration().String())
	}
	return a
}
