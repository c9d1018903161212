// Package threatintel answers "is this IP address on a threat list?" for
// the FLAGGED_IP_ADDRESS indicator, from plain-text lists the operator
// gives (AWS's own threat intelligence cannot be reproduced) and from
// addresses that ingested findings name.
//
// # List format
//
// One entry per line: an IPv4 or IPv6 address or a CIDR prefix,
// optionally followed (after spaces or a tab) by a score, the number of
// public lists the address is on, as ipsum.txt has it. Blank lines and
// everything after '#' or ';' are ignored. Any other line is an error
// naming the file and line: a list that is silently half-read would
// flag less than the operator believes.
//
// # Scores
//
// A scored entry is kept only when its score is at least the minimum
// given to Load. An entry without a score is always kept and counts as
// score 1: being on a curated list (Tor exit nodes, a team's own block
// list) is the signal itself, so a minimum meant for aggregated lists
// must not silently empty it. When several entries cover an address the
// strongest match is reported: the highest score, and among equals the
// exact address before a prefix and the list loaded first.
//
// Imports: stdlib and github.com/gaissmai/bart (prefix lookup) only.
package threatintel
