package volohand

import (
	"cmp"
	"slices"

	"github.com/govolo/volo/volo/thrift"
)

// Numberz is ThriftTest's enum, an i32 on the wire.
type Numberz int32

// The values of Numberz.
const (
	One   Numberz = 1
	Two   Numberz = 2
	Three Numberz = 3
	Five  Numberz = 5
	Six   Numberz = 6
	Eight Numberz = 8
)

// UserID is ThriftTest's typedef UserId, an i64.
type UserID = int64

// Insanity is ThriftTest's
//
//	struct Insanity {
//	  1: map<Numberz, UserId> userMap
//	  2: list<Xtruct> xtructs
//	}
type Insanity struct {
	UserMap map[Numberz]UserID
	Xtructs []*Xtruct
}

// ThriftSize returns the encoded size of in.
func (in *Insanity) ThriftSize() int {
	n := thrift.FieldBeginSize + thrift.MapBeginSize + len(in.UserMap)*(thrift.I32Size+thrift.I64Size)
	n += thrift.FieldBeginSize + thrift.ListBeginSize
	for _, x := range in.Xtructs {
		n += x.ThriftSize()
	}
	return n + thrift.FieldStopSize
}

// userEntry is one entry of Insanity.UserMap, for sorting.
type userEntry struct {
	k Numberz
	v UserID
}

// AppendThrift appends in's fields and STOP. Map entries are written in key
// order so that equal values encode to equal bytes; up to 16 of them are
// sorted without allocating.
func (in *Insanity) AppendThrift(b []byte) []byte {
	b = thrift.AppendFieldBegin(b, thrift.TypeMap, 1)
	b = thrift.AppendMapBegin(b, thrift.TypeI32, thrift.TypeI64, len(in.UserMap))
	var small [16]userEntry
	entries := small[:0]
	for k, v := range in.UserMap {
		entries = append(entries, userEntry{k, v})
	}
	slices.SortFunc(entries, func(a, b userEntry) int { return cmp.Compare(a.k, b.k) })
	for _, e := range entries {
		b = thrift.AppendI32(b, int32(e.k))
		b = thrift.AppendI64(b, e.v)
	}
	b = thrift.AppendFieldBegin(b, thrift.TypeList, 2)
	b = thrift.AppendListBegin(b, thrift.TypeStruct, len(in.Xtructs))
	for _, x := range in.Xtructs {
		b = x.AppendThrift(b)
	}
	return thrift.AppendFieldStop(b)
}

// DecodeThrift reads in, skipping unknown fields and fields whose type does
// not match the IDL.
func (in *Insanity) DecodeThrift(d *thrift.Decoder) error {
	if err := d.ReadStructBegin(); err != nil {
		return err
	}
	for {
		t, id, err := d.ReadFieldBegin()
		if err != nil {
			return err
		}
		if t == thrift.TypeStop {
			d.ReadStructEnd()
			return nil
		}
		if want, ok := insanityFieldTypes[id]; !ok || want != t {
			err = d.Skip(t)
		} else {
			err = in.decodeField(d, id)
		}
		if err != nil {
			return err
		}
	}
}

var insanityFieldTypes = map[int16]thrift.Type{1: thrift.TypeMap, 2: thrift.TypeList}

func (in *Insanity) decodeField(d *thrift.Decoder, id int16) (err error) {
	switch id {
	case 1:
		in.UserMap, err = decodeUserMap(d)
	case 2:
		in.Xtructs, err = decodeList(d, thrift.TypeStruct, decodeXtruct)
	}
	return err
}

func decodeXtruct(d *thrift.Decoder) (*Xtruct, error) {
	x := new(Xtruct)
	return x, x.DecodeThrift(d)
}

func decodeUserMap(d *thrift.Decoder) (map[Numberz]UserID, error) {
	kt, vt, n, err := d.ReadMapBegin()
	if err != nil {
		return nil, err
	}
	out := make(map[Numberz]UserID, n)
	for range n {
		if kt != thrift.TypeI32 || vt != thrift.TypeI64 {
			if err := d.Skip(kt); err != nil {
				return nil, err
			}
			if err := d.Skip(vt); err != nil {
				return nil, err
			}
			continue
		}
		k, err := d.ReadI32()
		if err != nil {
			return nil, err
		}
		if out[Numberz(k)], err = d.ReadI64(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// decodeList reads a list or set of elements of type et; a container of
// another element type is skipped, as a field of the wrong type is.
func decodeList[T any](d *thrift.Decoder, et thrift.Type, read func(*thrift.Decoder) (T, error)) ([]T, error) {
	t, n, err := d.ReadListBegin()
	if err != nil {
		return nil, err
	}
	if t != et && n > 0 {
		for range n {
			if err := d.Skip(t); err != nil {
				return nil, err
			}
		}
		return nil, nil
	}
	out := make([]T, n)
	for i := range out {
		if out[i], err = read(d); err != nil {
			return nil, err
		}
	}
	return out, nil
}
