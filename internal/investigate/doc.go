// Package investigate is the investigation engine: given an investigation
// of an IAM user or role over a time scope, it reads the behavior graph's
// aggregates for that principal, runs one detector per indicator type,
// groups related findings, and rates the investigation's severity, with an
// Explanation of which aggregates produced each indicator.
//
// The rules are those of spec/dataplane.md §4; every threshold is a field
// of Settings, whose defaults (DefaultSettings) are the spec's.
//
// The engine owns the interfaces it reads through (Evidence, TTPTable,
// ThreatList) and the value types they return, so it depends on no store,
// no geolocation database and no threat list: the program adapts those to
// these interfaces.
//
// Imports: stdlib, internal/detective, internal/arn and github.com/google/uuid
// (finding group IDs) only. Never SQL, never HTTP, never a store.
package investigate
