package frame

import (
	"time"

	"github.com/govolo/volo/volo/thrift"
)

// ProtocolID says how a TTHeader payload is encoded.
type ProtocolID uint8

// The protocol ids of TTHeader. volo serves ProtocolBinary.
const (
	ProtocolBinary    ProtocolID = 0
	ProtocolCompact   ProtocolID = 2
	ProtocolCompactV2 ProtocolID = 3
	ProtocolProtobuf  ProtocolID = 4
)

// Header flags of TTHeader.
const (
	FlagOutOfOrder uint16 = 0x01 // replies may come in any order
	FlagStreaming  uint16 = 0x02
)

// Int keys of TTHeader's INT_KEY_VALUE block. Header has fields for the ones
// volo uses; the others travel in Header.IntInfo.
const (
	KeyFromService    uint16 = 3
	KeyToService      uint16 = 6
	KeyToMethod       uint16 = 9
	KeyDestAddress    uint16 = 11
	KeyRPCTimeout     uint16 = 12 // milliseconds, ASCII decimal
	KeyWithMeshHeader uint16 = 16
	KeyConnectTimeout uint16 = 17
	KeyMsgType        uint16 = 22
	KeyFrameType      uint16 = 27
)

// String keys of TTHeader's KEY_VALUE block that the framework itself uses.
// Metainfo travels in the same block under the RPC_PERSIST_, RPC_TRANSIT_
// and RPC_BACKWARD_ prefixes.
const (
	KeyIDLServiceName = "isn"         // service name, for routing
	KeyRemoteIP       = "rip"         // the caller's IP as a proxy saw it
	KeyConnReset      = "crrst"       // server asks the client to drop the connection after this reply
	KeyBizStatus      = "biz-status"  // business error code
	KeyBizMessage     = "biz-message" // business error message
	KeyBizExtra       = "biz-extra"   // business error details, a JSON object of strings
)

// Header is the metadata of a TTHeader frame.
//
// The int keys volo uses have typed fields; when a field is set it is
// written instead of the same key in IntInfo. StrInfo carries every string
// key, metainfo included, as it is on the wire: mapping it to and from a
// context is the caller's job.
type Header struct {
	Flags      uint16
	SeqID      int32
	ProtocolID ProtocolID

	FromService string // int key 3
	ToService   string // int key 6
	ToMethod    string // int key 9
	// RPCTimeout is int key 12, in whole milliseconds on the wire: a
	// positive timeout under 1ms is sent as 1ms so that it is not lost,
	// and one over about 146 years, the most a reader accepts, is sent as
	// that.
	RPCTimeout time.Duration
	// MsgType is int key 22. Kitex writes it as ASCII ("1"), Volo as a raw
	// byte; both are read, ASCII is written. Zero means absent.
	MsgType thrift.MessageType

	IntInfo  map[uint16]string // other int keys
	StrInfo  map[string]string // string keys
	ACLToken string            // the ACL info block; Kitex maps it to transient metainfo "gdpr-token"
}
