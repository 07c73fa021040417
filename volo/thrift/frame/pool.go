package frame

import "sync"

// maxPooled is the largest buffer put back in the pool: a rare huge frame
// should not pin its memory for every later small one.
const maxPooled = 1 << 20

// Buffer is a byte slice from a pool, for encoding frames without
// allocating a new slice per message.
type Buffer struct {
	B []byte
}

var pool = sync.Pool{New: func() any { return &Buffer{B: make([]byte, 0, 4096)} }}

// GetBuffer returns an empty buffer from the pool.
func GetBuffer() *Buffer {
	b := pool.Get().(*Buffer)
	b.B = b.B[:0]
	return b
}

// Free returns b to the pool; b must not be used afterwards. Buffers that
// grew over 1 MiB are left to the garbage collector.
func (b *Buffer) Free() {
	if cap(b.B) > maxPooled {
		return
	}
	pool.Put(b)
}
