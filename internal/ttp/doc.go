// Package ttp maps CloudTrail API calls to the tactics, techniques and
// procedures (MITRE ATT&CK Enterprise v18.1) that the TTP_OBSERVED
// indicator reports. The mapping is data, mapping.tsv, embedded in the
// binary; operators add or override rows with files of their own.
//
// # The table
//
// mapping.tsv is tab-separated, one mapping per line, with a header line
// naming the columns; blank lines and lines starting with '#' are
// ignored:
//
//		eventSource  eventName  condition  tactic  technique  procedure  source
//
//	  - eventSource and eventName are CloudTrail's. Services that append
//	    their API version to eventName (Lambda's "CreateFunction20150331")
//	    are named without it.
//	  - condition is empty (every call matches) or the language below.
//	  - tactic is an ATT&CK tactic name ("Credential Access").
//	  - technique is an ATT&CK technique ID and name
//	    ("T1098.001 Additional Cloud Credentials").
//	  - procedure says in a few words what the call did.
//	  - source is where the row comes from (a Sigma rule file, an ATT&CK
//	    technique page, a Stratus Red Team technique, or detective-local
//	    analysis); see ATTRIBUTION.md.
//
// A row of an extra file replaces the row with the same eventSource,
// eventName and condition; a new one is added after the embedded rows.
// A row whose tactic is "-" removes the row it names, so an operator can
// silence a mapping that is noise in their accounts.
//
// # Conditions
//
// A condition is one or more clauses joined by " and "; every clause must
// hold (so a value cannot itself contain " and "). A clause is a field, an operator and a value:
//
//	field=value            equal (case-insensitive, as Sigma compares)
//	field!=value           not equal; true when the field is absent
//	field contains value   substring (case-insensitive)
//	field not contains value
//	field startswith value
//	field=present          the field is there (and not null)
//	field=absent           the field is missing or null
//
// Fields are errorCode, userAgent, userIdentity.type,
// additionalEventData.MFAUsed (Yes or No), and requestParameters or
// responseElements followed by a dotted path into their JSON. A path
// step into an array looks into every element, so
// requestParameters.ipPermissions.items.ipRanges.items.cidrIp=0.0.0.0/0
// holds when any range of any permission is 0.0.0.0/0. Numbers and
// booleans compare as their JSON text ("true"); an object compares as its
// compact JSON, so "requestParameters contains Suspended" searches the
// whole request.
//
// Imports: stdlib and internal/behavior only.
package ttp
