/**
 * Package kinds is the generator's representative golden IDL: every kind
 * of field, containers of structs, nested and keyed containers, defaults,
 * requiredness, a union, a recursive struct, typedefs and consts across an
 * include, exceptions, and a service that extends an included one with a
 * oneway method.
 */
namespace go golden.kinds

include "base.thrift"

/** Kinds has a field of every kind. */
struct Kinds {
  1: bool b
  2: byte by
  3: i8 small
  4: i16 short
  5: i32 int32
  6: i64 int64
  7: double real
  8: string text
  9: binary bin
  10: uuid id
  11: base.Status status
  12: base.UserID user
  13: base.Point point
  14: list<i32> ints
  15: set<string> names
  16: map<string, i64> counts
  17: list<base.Point> points
  18: map<i32, list<base.Point>> nested
  19: map<base.Status, set<string>> by_status
  20: optional i32 opt_int
  21: optional string opt_str
  22: optional base.Status opt_status
  23: optional list<string> opt_list
  24: optional base.Point opt_point
  25: required string req_str
  26: required base.Point req_point
  27: i32 with_default = 42
  28: optional string opt_default = "x"
  29: list<list<i64>> matrix
  30: map<binary, binary> blobs
  31: base.Status status_default = base.Status.ACTIVE
  32: list<base.Status> statuses
  33: map<list<i32>, string> list_keys
  34: optional uuid opt_id
  35: list<double> reals = [1.5, 2]
}

/** Shape is one of three. */
union Shape {
  1: base.Point point
  2: double radius
  3: string name
}

/** Node is recursive. */
struct Node {
  1: string value
  2: optional Node next
}

/** Defaults has defaults that a value decoded into again gets back. */
struct Defaults {
  1: optional string name = "n"
  2: i32 count = 3
  3: optional base.Status status = base.Status.DELETED
  4: bool on = true
}

typedef list<Kinds> KindsList
typedef base.Point Pt

const base.Status FAVOURITE = base.Status.SUSPENDED
const double PI = 3.14159
const Pt ORIGIN = {"x": 0, "y": 0}

exception Invalid {
  1: string reason
  2: i32 code
  3: string error
}

/** Store keeps Kinds. */
service Store extends base.Base {
  /** Get returns the Kinds of id. */
  Kinds get(1: base.UserID id) throws (1: base.NotFound nf, 2: Invalid bad)
  void put(1: Kinds k, 2: bool overwrite) throws (1: Invalid bad)
  KindsList all(1: i32 limit, 2: string range)
  map<string, base.Point> points()
  oneway void touch(1: base.UserID id)
  Shape shape(1: Shape s)
  binary blob(1: binary b)
  base.Status status(1: base.Status s)
}
