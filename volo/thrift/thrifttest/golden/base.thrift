/**
 * Package base is the included half of the generator's representative
 * golden IDLs: a typedef, an enum, consts, a struct with required fields,
 * an exception and a service that another file's service extends.
 */
namespace go golden.base

typedef i64 UserID

enum Status {
  ACTIVE = 1,
  SUSPENDED = 2,
  /** Deleted users are kept for a while. */
  DELETED = 5
}

const i32 MAX_NAME = 64
const string GREETING = "hello"
const list<string> COLORS = ["red", "green"]
const map<string, i32> LIMITS = {"a": 1, "b": 2}

struct Point {
  1: required i32 x
  2: required i32 y
}

exception NotFound {
  1: string what
  2: optional UserID id
}

service Base {
  void ping()
  UserID whoami()
}
