package discovery

import (
	"fmt"
	"slices"
)

// ConsistentHash returns a policy that maps the call's key onto a hash ring
// with virtualNodes points per instance of DefaultWeight (scaled by weight,
// at least one), so that a key keeps going to the same instance and a
// change of instances moves few keys. When a key's instance is unusable the
// next instance along the ring takes the call. virtualNodes <= 0 means the
// default of 160, and more than 2^20 counts as 2^20; the ring holds at most
// 2^20 points, fewer virtual nodes each when there are many instances.
func ConsistentHash(virtualNodes int) Policy {
	if virtualNodes <= 0 {
		virtualNodes = 160
	}
	// The ring never holds more points than this anyway, and the bound keeps
	// virtualNodes times a weight, and their sum, from overflowing.
	return consistentHash{vnodes: min(virtualNodes, maxRing)}
}

type consistentHash struct{ vnodes int }

func (c consistentHash) String() string  { return fmt.Sprintf("consistent_hash(%d)", c.vnodes) }
func (consistentHash) hashed() bool      { return true }
func (consistentHash) timed() bool       { return false }
func (consistentHash) invDecay() float64 { return 0 }

const maxRing = 1 << 20

func (c consistentHash) build(eps []*endpoint, _ *pickEnv) picker {
	if len(eps) == 0 {
		return emptyPicker{}
	}
	counts := make([]int, len(eps))
	total := 0
	for i, ep := range eps {
		counts[i] = max(1, c.vnodes*ep.inst.EffectiveWeight()/DefaultWeight)
		total += counts[i]
	}
	if total > maxRing {
		f := float64(maxRing) / float64(total)
		total = 0
		for i := range counts {
			counts[i] = max(1, int(float64(counts[i])*f))
			total += counts[i]
		}
	}
	type point struct {
		h     uint64
		owner int32
	}
	points := make([]point, 0, total)
	for i, ep := range eps {
		base := hashKey(ep.inst.Addr)
		for k := range counts[i] {
			points = append(points, point{h: mix64(base + uint64(k)*0x9e3779b97f4a7c15), owner: int32(i)})
		}
	}
	slices.SortFunc(points, func(a, b point) int {
		switch {
		case a.h < b.h:
			return -1
		case a.h > b.h:
			return 1
		}
		return int(a.owner - b.owner)
	})
	r := &ringPicker{eps: eps, hashes: make([]uint64, len(points)), owners: make([]int32, len(points))}
	for i, pt := range points {
		r.hashes[i], r.owners[i] = pt.h, pt.owner
	}
	return r
}

type ringPicker struct {
	eps    []*endpoint
	hashes []uint64
	owners []int32
}

func (r *ringPicker) pick(h uint64, x exclude) *endpoint {
	// The first point at or after h, by binary search.
	lo, hi := 0, len(r.hashes)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if r.hashes[mid] < h {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	for k := range r.hashes {
		i := lo + k
		if i >= len(r.hashes) {
			i -= len(r.hashes)
		}
		if ep := r.eps[r.owners[i]]; x.usable(ep) {
			return ep
		}
	}
	return nil
}

// hashKey is 64-bit FNV-1a with a final mix: FNV alone leaves similar keys
// close together on the ring.
func hashKey(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return mix64(h)
}

// mix64 is the splitmix64 finaliser.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
