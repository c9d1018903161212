// Package evidence connects the investigation engine (internal/investigate)
// to what the program holds: Store reads a behavior graph's aggregates
// (behavior.Store) as investigate.Evidence, TTPs and Threats adapt the TTP
// table and the threat lists, and Investigator runs the engine for
// detective.Service's investigation job and explains the result.
//
// Imports: internal/investigate, internal/behavior, internal/detective,
// internal/arn, internal/ttp, internal/threatintel and the standard
// library. Never SQL, never HTTP: the stores come in as behavior.Store.
package evidence
