// Package fastgo holds ThriftTest's Xtruct, Xtruct2 and Insanity and the
// benchmark's Message as CloudWeGo's stack would have them: the types as
// thriftgo's Go generator declares them, and their
// github.com/cloudwego/gopkg/protocol/thrift FastCodec methods written the
// way thriftgo's fastgo generator (v0.4.5) writes them.
//
// The code is hand-written, not generated, but follows the generator's output
// statement for statement: BLength adds constant sizes per field;
// FastWriteNocopy appends into the caller's buffer through FastAppend, with
// field headers as byte literals and gopkg's BinaryProtocol append helpers;
// FastRead switches on the field id and type packed into one word, reads with
// gopkg's BinaryProtocol, and, like the generator, ignores the element types
// of containers and does not bound their counts. The *.go files hold what
// thriftgo's Go generator writes into <idl>.go, the k-*.go files what fastgo
// writes into k-<idl>.go.
package fastgo
