// Package world is the multi-account world that detective-local simulates
// around Detective: facts about accounts (root e-mail, GuardDuty
// enrolment, data volume), AWS Organizations (organizations, their
// accounts, invitation handshakes, CreateAccount requests, trusted
// services, delegated administrators, tags), STS sessions, and the
// organization event log that records every change other services react
// to. It holds the entities and the Store and Tx interfaces that persist
// them; sqlite.Store and postgres.Store provide one through their World
// method, in the same database as Detective's state, and both pass
// storetest.Run.
//
// The rules that change the world live in internal/organizations and
// internal/sts, which work on a world.Store. Detective does not: it uses
// these entities, but reads the world (and drains its event log) only
// through detective.World, the narrow part of its own Tx that it declares
// itself, never through world.Store or world.Tx.
//
// It imports the standard library only: the world sits below every service
// that consults it. Store errors follow the stores' one contract, the
// kinds of internal/detective's Error (not found, conflict, internal).
package world
