// Package organizations is the AWS Organizations subset that detective-local
// serves: organizations with one root, member accounts that join by
// CreateAccount or by accepting an invitation handshake, trusted AWS
// services, delegated administrators, tags on accounts and roots, and the
// seed file's declared world. Every change Detective must react to is
// appended to the store's organization event log in the same transaction
// (see world.OrgEventType).
//
// Service holds the rules of the operations over a world.Store; every
// method takes the calling detective.Caller explicitly, and time and IDs
// come from an injected Clock and IDSource. Errors are the closed set of
// AWS Organizations exceptions (Code); the wire layer (internal/orgsapi)
// only spells them.
//
// It imports the standard library, internal/arn, internal/world (the
// facts it governs) and internal/detective (Caller, Clock, error kinds,
// and the detective.World a registration runs in); it knows nothing of
// HTTP, SQL or JSON.
package organizations
