// Package vologen holds volo's generated code for the benchmarks:
// Apache's ThriftTest.thrift in thrifttest and the benchmark's message.thrift
// in message, written by generate.sh with the volo command.
package vologen

//go:generate bash generate.sh
