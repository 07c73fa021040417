// Package frame delimits Thrift messages on a byte stream: Framed (a 4-byte
// length), Buffered (no framing: the message is parsed to find its end),
// CloudWeGo's TTHeader with its metadata header, and Kitex's TTHeaderFramed.
//
// [Sniff] tells the framings apart from a stream's first bytes and names the
// protocols volo does not speak (compact, Apache THeader, HTTP) in a typed
// error. A [Reader] reads frames of any of them, checking every length
// against its limits (frame size, default 16 MiB; TTHeader header size)
// before it allocates, and growing its buffer only as bytes arrive.
// [Begin] and [Mark.End], or [AppendMessage], write frames into a caller's
// buffer, pooled with [GetBuffer], without allocating.
//
// TTHeader's int keys that volo uses are typed fields of [Header]; string
// keys, metainfo among them, stay in Header.StrInfo as they are on the
// wire. See the examples.
package frame
