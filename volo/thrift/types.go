package thrift

import "strconv"

// Type is a Thrift field type id as it appears on the wire.
type Type uint8

// The field types of the binary protocol. TypeBinary and TypeString share an
// id: the IDL decides which one a field is.
const (
	TypeStop   Type = 0
	TypeBool   Type = 2
	TypeI8     Type = 3
	TypeDouble Type = 4
	TypeI16    Type = 6
	TypeI32    Type = 8
	TypeI64    Type = 10
	TypeString Type = 11
	TypeBinary Type = 11
	TypeStruct Type = 12
	TypeMap    Type = 13
	TypeSet    Type = 14
	TypeList   Type = 15
	TypeUUID   Type = 16
)

// minSize is the fewest bytes a value of each type takes on the wire; 0
// marks ids that are not value types. The decoder multiplies a container's
// element count by it to refuse counts the input cannot hold before it
// allocates anything.
var minSize = [256]uint8{
	TypeBool:   1,
	TypeI8:     1,
	TypeDouble: 8,
	TypeI16:    2,
	TypeI32:    4,
	TypeI64:    8,
	TypeString: 4,
	TypeStruct: 1,
	TypeMap:    6,
	TypeSet:    5,
	TypeList:   5,
	TypeUUID:   16,
}

// elemSize is minSize for the inlined container reads, with 1<<31 for
// the ids that are not value types: a count of such elements then needs
// more bytes than any input holds, so one check refuses both. The product
// with a 32-bit count cannot overflow 64 bits.
var elemSize = func() (m [256]uint64) {
	for i := range m {
		m[i] = uint64(minSize[i])
		if m[i] == 0 {
			m[i] = 1 << 31
		}
	}
	return m
}()

// Valid reports whether t is a value type (not STOP, not an unknown id).
func (t Type) Valid() bool { return minSize[t] != 0 }

var typeNames = [...]string{
	TypeStop:   "stop",
	TypeBool:   "bool",
	TypeI8:     "i8",
	TypeDouble: "double",
	TypeI16:    "i16",
	TypeI32:    "i32",
	TypeI64:    "i64",
	TypeString: "string",
	TypeStruct: "struct",
	TypeMap:    "map",
	TypeSet:    "set",
	TypeList:   "list",
	TypeUUID:   "uuid",
}

// String returns the IDL name of the type, or "type(<id>)" for unknown ids.
func (t Type) String() string {
	if int(t) < len(typeNames) && (typeNames[t] != "") {
		return typeNames[t]
	}
	return "type(" + strconv.Itoa(int(t)) + ")"
}

// MessageType is the kind of a Thrift message.
type MessageType uint8

// The message types.
const (
	MessageCall      MessageType = 1
	MessageReply     MessageType = 2
	MessageException MessageType = 3
	MessageOneway    MessageType = 4
)

// Valid reports whether m is one of MessageCall, MessageReply,
// MessageException and MessageOneway.
func (m MessageType) Valid() bool { return m >= MessageCall && m <= MessageOneway }

// String returns "call", "reply", "exception", "oneway", or
// "message_type(<n>)".
func (m MessageType) String() string {
	switch m {
	case MessageCall:
		return "call"
	case MessageReply:
		return "reply"
	case MessageException:
		return "exception"
	case MessageOneway:
		return "oneway"
	}
	return "message_type(" + strconv.Itoa(int(m)) + ")"
}

// UUID is a Thrift uuid value: 16 bytes in network order.
type UUID [16]byte
