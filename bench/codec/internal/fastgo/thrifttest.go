package fastgo

// Numberz is ThriftTest's enum. thriftgo declares enums as int64 and writes
// them as i32.
type Numberz int64

// The values of Numberz.
const (
	Numberz_ONE   Numberz = 1
	Numberz_TWO   Numberz = 2
	Numberz_THREE Numberz = 3
	Numberz_FIVE  Numberz = 5
	Numberz_SIX   Numberz = 6
	Numberz_EIGHT Numberz = 8
)

// UserId is ThriftTest's typedef of i64; thriftgo writes typedefs as
// aliases.
type UserId = int64

// Xtruct is ThriftTest's
//
//	struct Xtruct {
//	  1:  string string_thing
//	  4:  i8     byte_thing
//	  9:  i32    i32_thing
//	  11: i64    i64_thing
//	}
type Xtruct struct {
	StringThing string `thrift:"string_thing,1" frugal:"1,default,string" json:"string_thing"`
	ByteThing   int8   `thrift:"byte_thing,4" frugal:"4,default,i8" json:"byte_thing"`
	I32Thing    int32  `thrift:"i32_thing,9" frugal:"9,default,i32" json:"i32_thing"`
	I64Thing    int64  `thrift:"i64_thing,11" frugal:"11,default,i64" json:"i64_thing"`
}

// NewXtruct returns a zero Xtruct.
func NewXtruct() *Xtruct {
	return &Xtruct{}
}

var fieldIDToName_Xtruct = map[int16]string{
	1:  "string_thing",
	4:  "byte_thing",
	9:  "i32_thing",
	11: "i64_thing",
}

// Xtruct2 is ThriftTest's
//
//	struct Xtruct2 {
//	  1: i8     byte_thing
//	  2: Xtruct struct_thing
//	  3: i32    i32_thing
//	}
type Xtruct2 struct {
	ByteThing   int8    `thrift:"byte_thing,1" frugal:"1,default,i8" json:"byte_thing"`
	StructThing *Xtruct `thrift:"struct_thing,2" frugal:"2,default,Xtruct" json:"struct_thing"`
	I32Thing    int32   `thrift:"i32_thing,3" frugal:"3,default,i32" json:"i32_thing"`
}

// NewXtruct2 returns a zero Xtruct2.
func NewXtruct2() *Xtruct2 {
	return &Xtruct2{}
}

var fieldIDToName_Xtruct2 = map[int16]string{
	1: "byte_thing",
	2: "struct_thing",
	3: "i32_thing",
}

// Insanity is ThriftTest's
//
//	struct Insanity {
//	  1: map<Numberz, UserId> userMap
//	  2: list<Xtruct> xtructs
//	}
type Insanity struct {
	UserMap map[Numberz]UserId `thrift:"userMap,1" frugal:"1,default,map<Numberz:i64>" json:"userMap"`
	Xtructs []*Xtruct          `thrift:"xtructs,2" frugal:"2,default,list<Xtruct>" json:"xtructs"`
}

// NewInsanity returns a zero Insanity.
func NewInsanity() *Insanity {
	return &Insanity{}
}

var fieldIDToName_Insanity = map[int16]string{
	1: "userMap",
	2: "xtructs",
}
