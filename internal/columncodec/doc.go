// Package columncodec is how both stores keep, in one text column, values
// that SQL has no type for: an indicator's Detail (EncodeDetail), a
// member's datasource package states (EncodePackages) and a finding's
// entity lists (EncodeFindingEntities). Sharing it keeps
// the two stores' encodings identical, so data can move between them.
//
// It imports detective, behavior and the standard library; never database/sql, a
// store or the wire.
package columncodec
