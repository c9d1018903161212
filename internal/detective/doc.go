// Package detective is the domain of detective-local: behavior graphs,
// members, invitations and tags, the rules of Amazon Detective's operations
// (Service), and the Store interface that persists them.
//
// The multi-account world (account facts, organizations, sessions, the
// organization event log) is internal/world's. Detective uses its entities
// and reads it through World, the part of Tx it declares for what it
// consults; it never uses world.Store or world.Tx, nor imports the services
// that govern the world (internal/organizations is handed to it as an
// OrgRegistrar).
//
// It knows nothing of HTTP, SQL or JSON wire shapes. Every Service method
// takes the Caller explicitly; time and IDs come from an injected Clock and
// IDSource. It imports the standard library, internal/arn and internal/world only.
package detective
