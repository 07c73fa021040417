// Package etcd is the etcd backend of package discovery: a [Registry] that
// keeps a server's instance under a lease and puts it back after the lease
// is lost, and a [Discoverer] that resolves and watches a service's
// instances under a key prefix.
//
// Instances are stored as JSON under "<prefix><service>/<addr>", so any
// process that can reach etcd can list them.
//
// See the package examples for runnable code.
package etcd
