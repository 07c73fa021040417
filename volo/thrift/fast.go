package thrift

import "sync"

// decoders recycles the decoders of FastRead, so that reading a struct
// from a buffer, as cloudwego/gopkg's FastCodec does, allocates only the
// decoded values.
var decoders = sync.Pool{New: func() any { return NewDecoder(nil) }}

// FastRead reads s from buf with the default limits and returns the
// number of bytes read: what the FastRead methods of generated structs
// call, so that they satisfy cloudwego/gopkg's FastCodec.
func FastRead(buf []byte, s Struct) (int, error) {
	d := decoders.Get().(*Decoder)
	d.Reset(buf)
	err := d.Decode(s)
	n := d.Offset()
	d.Reset(nil)
	decoders.Put(d)
	return n, err
}
