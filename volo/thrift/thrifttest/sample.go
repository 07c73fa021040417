package thrifttest

import (
	"slices"

	"github.com/govolo/volo/volo/thrift"
)

// Sample uses every field type, nested containers and recursion:
//
//	struct Sample {
//	  1: bool flag
//	  2: i8 small
//	  3: i16 short
//	  4: i32 int
//	  5: i64 long
//	  6: double real
//	  7: string text
//	  8: binary blob
//	  9: uuid id
//	  10: list<string> names
//	  11: set<i32> ids
//	  12: map<string, list<i64>> groups
//	  13: optional Sample child
//	}
type Sample struct {
	Flag   bool
	Small  int8
	Short  int16
	Int    int32
	Long   int64
	Real   float64
	Text   string
	Blob   []byte
	ID     thrift.UUID
	Names  []string
	IDs    []int32
	Groups map[string][]int64
	Child  *Sample
}

// ThriftSize returns the encoded size of s.
func (s *Sample) ThriftSize() int {
	n := 9*thrift.FieldBeginSize + thrift.BoolSize + thrift.I8Size + thrift.I16Size + thrift.I32Size +
		thrift.I64Size + thrift.DoubleSize + thrift.StringSize(s.Text) + thrift.BinarySize(s.Blob) + thrift.UUIDSize
	n += thrift.FieldBeginSize + thrift.ListBeginSize
	for _, v := range s.Names {
		n += thrift.StringSize(v)
	}
	n += thrift.FieldBeginSize + thrift.SetBeginSize + len(s.IDs)*thrift.I32Size
	n += thrift.FieldBeginSize + thrift.MapBeginSize
	for k, v := range s.Groups {
		n += thrift.StringSize(k) + thrift.ListBeginSize + len(v)*thrift.I64Size
	}
	if s.Child != nil {
		n += thrift.FieldBeginSize + s.Child.ThriftSize()
	}
	return n + thrift.FieldStopSize
}

// AppendThrift appends s's fields and STOP. Map entries are written in key
// order so that equal values encode to equal bytes.
func (s *Sample) AppendThrift(b []byte) []byte {
	b = thrift.AppendFieldBegin(b, thrift.TypeBool, 1)
	b = thrift.AppendBool(b, s.Flag)
	b = thrift.AppendFieldBegin(b, thrift.TypeI8, 2)
	b = thrift.AppendI8(b, s.Small)
	b = thrift.AppendFieldBegin(b, thrift.TypeI16, 3)
	b = thrift.AppendI16(b, s.Short)
	b = thrift.AppendFieldBegin(b, thrift.TypeI32, 4)
	b = thrift.AppendI32(b, s.Int)
	b = thrift.AppendFieldBegin(b, thrift.TypeI64, 5)
	b = thrift.AppendI64(b, s.Long)
	b = thrift.AppendFieldBegin(b, thrift.TypeDouble, 6)
	b = thrift.AppendDouble(b, s.Real)
	b = thrift.AppendFieldBegin(b, thrift.TypeString, 7)
	b = thrift.AppendString(b, s.Text)
	b = thrift.AppendFieldBegin(b, thrift.TypeBinary, 8)
	b = thrift.AppendBinary(b, s.Blob)
	b = thrift.AppendFieldBegin(b, thrift.TypeUUID, 9)
	b = thrift.AppendUUID(b, s.ID)
	b = thrift.AppendFieldBegin(b, thrift.TypeList, 10)
	b = thrift.AppendListBegin(b, thrift.TypeString, len(s.Names))
	for _, v := range s.Names {
		b = thrift.AppendString(b, v)
	}
	b = thrift.AppendFieldBegin(b, thrift.TypeSet, 11)
	b = thrift.AppendSetBegin(b, thrift.TypeI32, len(s.IDs))
	for _, v := range s.IDs {
		b = thrift.AppendI32(b, v)
	}
	b = thrift.AppendFieldBegin(b, thrift.TypeMap, 12)
	b = thrift.AppendMapBegin(b, thrift.TypeString, thrift.TypeList, len(s.Groups))
	keys := make([]string, 0, len(s.Groups))
	for k := range s.Groups {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		b = thrift.AppendString(b, k)
		b = thrift.AppendListBegin(b, thrift.TypeI64, len(s.Groups[k]))
		for _, v := range s.Groups[k] {
			b = thrift.AppendI64(b, v)
		}
	}
	if s.Child != nil {
		b = thrift.AppendFieldBegin(b, thrift.TypeStruct, 13)
		b = s.Child.AppendThrift(b)
	}
	return thrift.AppendFieldStop(b)
}

// DecodeThrift reads s, skipping unknown fields and fields whose type does
// not match the IDL.
func (s *Sample) DecodeThrift(d *thrift.Decoder) error {
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
		if want, ok := sampleFieldTypes[id]; !ok || want != t {
			err = d.Skip(t)
		} else {
			err = s.decodeField(d, id)
		}
		if err != nil {
			return err
		}
	}
}

var sampleFieldTypes = map[int16]thrift.Type{
	1: thrift.TypeBool, 2: thrift.TypeI8, 3: thrift.TypeI16, 4: thrift.TypeI32, 5: thrift.TypeI64,
	6: thrift.TypeDouble, 7: thrift.TypeString, 8: thrift.TypeBinary, 9: thrift.TypeUUID,
	10: thrift.TypeList, 11: thrift.TypeSet, 12: thrift.TypeMap, 13: thrift.TypeStruct,
}

func (s *Sample) decodeField(d *thrift.Decoder, id int16) (err error) {
	switch id {
	case 1:
		s.Flag, err = d.ReadBool()
	case 2:
		s.Small, err = d.ReadI8()
	case 3:
		s.Short, err = d.ReadI16()
	case 4:
		s.Int, err = d.ReadI32()
	case 5:
		s.Long, err = d.ReadI64()
	case 6:
		s.Real, err = d.ReadDouble()
	case 7:
		s.Text, err = d.ReadString()
	case 8:
		s.Blob, err = d.ReadBinary()
	case 9:
		s.ID, err = d.ReadUUID()
	case 10:
		s.Names, err = decodeList(d, thrift.TypeString, (*thrift.Decoder).ReadString)
	case 11:
		s.IDs, err = decodeList(d, thrift.TypeI32, (*thrift.Decoder).ReadI32)
	case 12:
		s.Groups, err = decodeGroups(d)
	case 13:
		s.Child = new(Sample)
		err = s.Child.DecodeThrift(d)
	}
	return err
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

func decodeGroups(d *thrift.Decoder) (map[string][]int64, error) {
	kt, vt, n, err := d.ReadMapBegin()
	if err != nil {
		return nil, err
	}
	out := make(map[string][]int64, n)
	for range n {
		if kt != thrift.TypeString || vt != thrift.TypeList {
			if err := d.Skip(kt); err != nil {
				return nil, err
			}
			if err := d.Skip(vt); err != nil {
				return nil, err
			}
			continue
		}
		k, err := d.ReadString()
		if err != nil {
			return nil, err
		}
		if out[k], err = decodeList(d, thrift.TypeI64, (*thrift.Decoder).ReadI64); err != nil {
			return nil, err
		}
	}
	return out, nil
}
