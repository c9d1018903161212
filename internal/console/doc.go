// Package console is the web console served under /console/: sign-in,
// behavior graphs and their members, invitations, investigations and their
// reports, entity profiles with their activity against the baseline, and
// finding groups. Pages are rendered on the server with html/template;
// the little script they run and the chart and graph libraries are
// embedded, so the console works offline and needs no build step.
//
// Handlers call detective.Service directly, as the caller the session
// names: the console can do nothing the API would refuse that account.
// With signature verification on, a session is opened only with an access
// key and its secret from the seed file, and is signed with that secret.
//
// Behavior data (entity profiles, findings) is read through the
// interfaces of this package, which the wiring adapts; when none is given
// the pages say so.
//
// Imports: detective, arn, behavior (the profile's value types), net/http,
// html/template, embed. Never awsapi, never a store.
package console
