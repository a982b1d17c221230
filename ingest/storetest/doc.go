// Package storetest is the conformance suite for ingest.Store: one set of
// tests that every store implementation must pass, in memory and on disk.
//
// A test package calls Run with a function that opens a fresh store for a
// Config (limits and a controllable clock). When the implementation is
// durable, the Harness it returns can Reopen the store on the same files, and
// the suite then also checks that everything survives a restart.
package storetest
