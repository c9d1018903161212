// Package sts is the AWS STS subset that detective-local serves: who the
// caller is (GetCallerIdentity) and temporary credentials for a role
// (AssumeRole). Sessions are kept in the store, so their credentials map
// to the role's account durably and on every replica.
//
// There is no IAM here: any caller may assume any role ARN, the role's
// account is the account in its ARN, and long-term keys act as their
// account's root user. Errors are the closed set of STS error codes
// (Code); the wire layer (internal/stsapi) only spells them.
//
// Sessions live in a world.Store. It imports the standard library,
// internal/arn, internal/world and internal/detective (Caller, Clock and
// error kinds).
package sts
