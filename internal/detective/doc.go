// Package detective is the domain of detective-local: behavior graphs,
// members, invitations and tags, the rules of Amazon Detective's operations
// (Service), and the Store interface that persists them.
//
// It knows nothing of HTTP, SQL or JSON wire shapes. Every Service method
// takes the Caller explicitly; time and IDs come from an injected Clock and
// IDSource. It imports the standard library and internal/arn only.
package detective
