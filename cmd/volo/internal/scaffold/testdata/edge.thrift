/**
 * Package server is the scaffold's hard case: its Go package and the one
 * it includes are named like the packages the programs import, parameters
 * are named like imports, results are typedefs, a uuid, a union, an enum,
 * and structs that require structs, one of them recursively.
 */
namespace go edge.server

include "shared.thrift"

enum Mode { OFF, ON }

typedef shared.Point Pt
typedef list<Pt> Path
typedef i64 ID

struct Box {
  1: required Pt corner
  2: required Inner inner
  3: optional Box parent
}

struct Inner {
  1: required shared.Point at
  2: string label
}

struct Chain {
  1: required string name
  2: required Chain next
}

union Shape {
  1: Pt point
  2: double radius
}

exception Oops {
  1: string why
}

service Empty {}

service Tricky extends shared.Root {
  Box box(1: Box server, 2: Pt client, 3: ID context)
  Pt pt(1: Pt fmt)
  Path path(1: Path os)
  uuid id(1: uuid flag)
  Shape shape(1: Shape time)
  Mode mode(1: Mode h)
  Chain chain(1: Chain c)
  map<ID, Box> boxes(1: set<ID> ids) throws (1: Oops oops)
  oneway void fire(1: Inner inner)
}

service More extends Tricky {
  binary blob(1: binary r, 2: binary r_)
}
