// Package geo enriches IP addresses with where they are (city, region,
// country, coordinates) and which autonomous system announces them, from
// databases the operator installs: any MaxMind-format city database
// (GeoLite2 / GeoIP2 City, DB-IP's own .mmdb, or ip-location-db's
// dbip-city .mmdb, whose flat layout differs) and an ASN database as .mmdb
// or as ip-location-db's `ip_range_start,ip_range_end,asn,org` CSV.
// scripts/install-geo.sh installs the free defaults.
//
// Addresses that have no place on the public Internet (private, loopback,
// link-local, CGNAT, multicast, unspecified) and source "addresses" that
// are AWS service DNS names are never looked up: they have no location,
// and asking is not an error.
//
// It also measures great-circle distance, which impossible-travel
// detection needs.
//
// Imports: stdlib and the .mmdb reader only. Country names come from
// golang.org/x/text through a generated table (go generate), so that the
// server does not link x/text's display tables.
//
// # Attribution
//
// The default databases are licensed under the Creative Commons
// Attribution 4.0 International License
// (https://creativecommons.org/licenses/by/4.0/), which requires this
// attribution wherever their results are shown:
//
//   - IP Geolocation by DB-IP (https://db-ip.com): "IP to City Lite" and
//     "IP to ASN Lite" databases.
//   - IP to AS number data by RouteViews (https://www.routeviews.org) and
//     the Number Resource Organization (https://www.nro.net).
//   - Packaged by ip-location-db (https://github.com/sapics/ip-location-db).
//
// ATTRIBUTION.md in this directory carries the same text for the README.
package geo
