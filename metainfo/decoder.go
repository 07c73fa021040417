package metainfo

import "errors"

// decoder collects received forward values before they go into a node, so
// that the node is allocated once, at its exact size. The buffer sits on
// the caller's stack when the source has at most stackEntries entries, and
// is never larger than the key limit. Persistent values fill it from the
// front and transient ones, which become upstream values, from the back.
type decoder struct {
	buf    *[stackEntries]entry // the caller's stack
	own    []entry
	np, nu int
}

const stackEntries = 32

// errChanged is returned when a map changes while it is decoded, which only
// a data race in the caller can do.
var errChanged = errors.New("metainfo: map changed while decoding")

// add checks and stores one entry of a source with size entries.
func (d *decoder) add(l *limits, size int, kind Kind, key, v string, http bool) error {
	if d.np+d.nu == l.maxKeys {
		return l.tooMany(kind, key, l.maxKeys+1)
	}
	if err := l.check(kind, key, v, http); err != nil {
		return err
	}
	if d.own == nil {
		// The buffer is not grown later: copying out of it would make the
		// compiler move the stack buffer to the heap.
		if size = min(size, l.maxKeys); size <= stackEntries {
			d.own = d.buf[:size]
		} else {
			d.own = make([]entry, size)
		}
	}
	if d.np+d.nu == len(d.own) {
		return errChanged
	}
	if kind == Persistent {
		d.own[d.np] = entry{key, v}
		d.np++
	} else {
		d.nu++
		d.own[len(d.own)-d.nu] = entry{key, v}
	}
	return nil
}

func (d *decoder) empty() bool         { return d.own == nil }
func (d *decoder) persistent() []entry { return d.own[:d.np] }
func (d *decoder) upstream() []entry   { return d.own[len(d.own)-d.nu:] }

// node returns a node holding copies of the collected entries.
func (d *decoder) node() *node {
	n, own := newFlat(d.np + d.nu)
	copy(own, d.persistent())
	copy(own[d.np:], d.upstream())
	return d.finish(n, own)
}

// headerNode is node for entries read from headers: their keys are turned
// from header form into key form on the way, all in one string. It also
// returns the node's entries.
func (d *decoder) headerNode() (*node, []entry) {
	n, own := newFlat(d.np + d.nu)
	keys, off := headerKeys(d.persistent(), d.upstream()), 0
	for i, e := range d.persistent() {
		end := off + len(e.key)
		own[i] = entry{keys[off:end], e.val}
		off = end
	}
	for i, e := range d.upstream() {
		end := off + len(e.key)
		own[d.np+i] = entry{keys[off:end], e.val}
		off = end
	}
	return d.finish(n, own), own
}

func (d *decoder) finish(n *node, own []entry) *node {
	for i := range own {
		n.refs[i] = &own[i]
	}
	n.np, n.nt, n.depth = int32(d.np), int32(d.np), 1
	return n
}
