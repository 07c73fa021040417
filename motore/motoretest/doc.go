// Package motoretest holds test doubles for motore services: a [Recorder]
// that remembers every call and how many ran at once, and a [Scripted]
// service that answers with given responses, errors, delays and panics in
// order. Both are safe for concurrent use.
//
// See the package examples for runnable code.
package motoretest
