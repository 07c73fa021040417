package fastgo

// Message is the benchmark's
//
//	struct Message {
//	  1: string text
//	}
type Message struct {
	Text string `thrift:"text,1" frugal:"1,default,string" json:"text"`
}

// NewMessage returns a zero Message.
func NewMessage() *Message {
	return &Message{}
}

var fieldIDToName_Message = map[int16]string{
	1: "text",
}
