package metainfo

import "context"

// A block puts a node, its refs and its own entries in one allocation. The
// array sizes below are chosen so that a block fills one of the
// allocator's size classes with little rounding.
type (
	oneBlock[R any] struct {
		node
		own  entry
		refs R
	}
	flatBlock[P, R any] struct {
		node
		own  P
		refs R
	}
)

// adopt makes n a child of parent. A node directly on top of parent is
// skipped: the new node shadows it, so keeping it in the chain would only
// lengthen lookups of other keys.
func (n *node) adopt(parent context.Context) *node {
	if p, ok := parent.(*node); ok {
		parent = p.Context
	}
	n.Context = parent
	return n
}

// newNode returns a node with size refs and one own entry; adopt gives it
// its parent.
func newNode(size int) (*node, *entry) {
	switch {
	case size <= 1:
		b := new(oneBlock[[1]*entry])
		b.node.refs = b.refs[:size]
		return &b.node, &b.own
	case size <= 3:
		b := new(oneBlock[[3]*entry])
		b.node.refs = b.refs[:size]
		return &b.node, &b.own
	case size <= 5:
		b := new(oneBlock[[5]*entry])
		b.node.refs = b.refs[:size]
		return &b.node, &b.own
	case size <= 7:
		b := new(oneBlock[[7]*entry])
		b.node.refs = b.refs[:size]
		return &b.node, &b.own
	case size <= 9:
		b := new(oneBlock[[9]*entry])
		b.node.refs = b.refs[:size]
		return &b.node, &b.own
	case size <= 11:
		b := new(oneBlock[[11]*entry])
		b.node.refs = b.refs[:size]
		return &b.node, &b.own
	case size <= 13:
		b := new(oneBlock[[13]*entry])
		b.node.refs = b.refs[:size]
		return &b.node, &b.own
	case size <= 15:
		b := new(oneBlock[[15]*entry])
		b.node.refs = b.refs[:size]
		return &b.node, &b.own
	case size <= 17:
		b := new(oneBlock[[17]*entry])
		b.node.refs = b.refs[:size]
		return &b.node, &b.own
	case size <= 19:
		b := new(oneBlock[[19]*entry])
		b.node.refs = b.refs[:size]
		return &b.node, &b.own
	case size <= 23:
		b := new(oneBlock[[23]*entry])
		b.node.refs = b.refs[:size]
		return &b.node, &b.own
	case size <= 27:
		b := new(oneBlock[[27]*entry])
		b.node.refs = b.refs[:size]
		return &b.node, &b.own
	case size <= 31:
		b := new(oneBlock[[31]*entry])
		b.node.refs = b.refs[:size]
		return &b.node, &b.own
	case size <= 35:
		b := new(oneBlock[[35]*entry])
		b.node.refs = b.refs[:size]
		return &b.node, &b.own
	case size <= 43:
		b := new(oneBlock[[43]*entry])
		b.node.refs = b.refs[:size]
		return &b.node, &b.own
	case size <= 51:
		b := new(oneBlock[[51]*entry])
		b.node.refs = b.refs[:size]
		return &b.node, &b.own
	case size <= 59:
		b := new(oneBlock[[59]*entry])
		b.node.refs = b.refs[:size]
		return &b.node, &b.own
	case size <= 64:
		b := new(oneBlock[[64]*entry])
		b.node.refs = b.refs[:size]
		return &b.node, &b.own
	}
	b := new(oneBlock[struct{}])
	b.node.refs = make([]*entry, size)
	return &b.node, &b.own
}

// newFlat returns a node with size refs and size own entries; adopt gives
// it its parent.
func newFlat(size int) (*node, []entry) {
	switch {
	case size <= 1:
		b := new(flatBlock[[1]entry, [1]*entry])
		b.node.refs = b.refs[:size]
		return &b.node, b.own[:size]
	case size <= 2:
		b := new(flatBlock[[2]entry, [2]*entry])
		b.node.refs = b.refs[:size]
		return &b.node, b.own[:size]
	case size <= 3:
		b := new(flatBlock[[3]entry, [3]*entry])
		b.node.refs = b.refs[:size]
		return &b.node, b.own[:size]
	case size <= 4:
		b := new(flatBlock[[4]entry, [4]*entry])
		b.node.refs = b.refs[:size]
		return &b.node, b.own[:size]
	case size <= 6:
		b := new(flatBlock[[6]entry, [6]*entry])
		b.node.refs = b.refs[:size]
		return &b.node, b.own[:size]
	case size <= 8:
		b := new(flatBlock[[8]entry, [8]*entry])
		b.node.refs = b.refs[:size]
		return &b.node, b.own[:size]
	case size <= 10:
		b := new(flatBlock[[10]entry, [10]*entry])
		b.node.refs = b.refs[:size]
		return &b.node, b.own[:size]
	case size <= 12:
		b := new(flatBlock[[12]entry, [12]*entry])
		b.node.refs = b.refs[:size]
		return &b.node, b.own[:size]
	case size <= 14:
		b := new(flatBlock[[14]entry, [14]*entry])
		b.node.refs = b.refs[:size]
		return &b.node, b.own[:size]
	case size <= 17:
		b := new(flatBlock[[17]entry, [17]*entry])
		b.node.refs = b.refs[:size]
		return &b.node, b.own[:size]
	case size <= 20:
		b := new(flatBlock[[20]entry, [20]*entry])
		b.node.refs = b.refs[:size]
		return &b.node, b.own[:size]
	case size <= 23:
		b := new(flatBlock[[23]entry, [23]*entry])
		b.node.refs = b.refs[:size]
		return &b.node, b.own[:size]
	case size <= 27:
		b := new(flatBlock[[27]entry, [27]*entry])
		b.node.refs = b.refs[:size]
		return &b.node, b.own[:size]
	case size <= 33:
		b := new(flatBlock[[33]entry, [33]*entry])
		b.node.refs = b.refs[:size]
		return &b.node, b.own[:size]
	case size <= 49:
		b := new(flatBlock[[49]entry, [49]*entry])
		b.node.refs = b.refs[:size]
		return &b.node, b.own[:size]
	case size <= 64:
		b := new(flatBlock[[64]entry, [64]*entry])
		b.node.refs = b.refs[:size]
		return &b.node, b.own[:size]
	}
	return &node{refs: make([]*entry, size)}, make([]entry, size)
}
