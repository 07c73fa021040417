package thrift

import "strconv"

// fixedSize is the encoded size of the types whose values all have one
// size; 0 for the others.
var fixedSize = [256]uint8{
	TypeBool:   1,
	TypeI8:     1,
	TypeDouble: 8,
	TypeI16:    2,
	TypeI32:    4,
	TypeI64:    8,
	TypeUUID:   16,
}

// Skip reads past one value of type t without decoding it, as generated
// code does for fields it does not know. Nested structs and containers
// count towards the depth limit from the depth d is at.
func (d *Decoder) Skip(t Type) error {
	if err := d.skip(t, d.depth); err != nil {
		return d.Explain(err)
	}
	return nil
}

func (d *Decoder) skip(t Type, depth int) error {
	if sz := fixedSize[t]; sz != 0 {
		_, err := d.next(int(sz))
		return err
	}
	switch t {
	case TypeString:
		n, err := d.readLen()
		d.off += n
		return err
	case TypeStruct, TypeMap, TypeSet, TypeList:
	default:
		return protoErr(InvalidData, d.off, "cannot skip type "+strconv.Itoa(int(t)))
	}
	if depth >= d.cfg.maxDepth {
		return protoErr(DepthLimit, d.off, "limit "+strconv.Itoa(d.cfg.maxDepth))
	}
	depth++
	switch t {
	case TypeStruct:
		for {
			ft, _, err := d.ReadFieldBegin()
			if err != nil {
				return err
			}
			if ft == TypeStop {
				return nil
			}
			if err := d.skip(ft, depth); err != nil {
				return err
			}
		}
	case TypeMap:
		kt, vt, n, err := d.ReadMapBegin()
		if err != nil {
			return err
		}
		if ks, vs := fixedSize[kt], fixedSize[vt]; ks != 0 && vs != 0 {
			// ReadMapBegin checked that n entries fit in what is left.
			d.off += n * (int(ks) + int(vs))
			return nil
		}
		for range n {
			if err := d.skip(kt, depth); err != nil {
				return err
			}
			if err := d.skip(vt, depth); err != nil {
				return err
			}
		}
		return nil
	default: // list and set
		et, n, err := d.ReadListBegin()
		if err != nil {
			return err
		}
		if sz := fixedSize[et]; sz != 0 {
			d.off += n * int(sz)
			return nil
		}
		for range n {
			if err := d.skip(et, depth); err != nil {
				return err
			}
		}
		return nil
	}
}
