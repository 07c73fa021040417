/**
 * Package base is what user.thrift includes: an enum, a typedef, a
 * struct and a service that user.thrift's services extend.
 */
namespace go user.base

typedef i64 Timestamp

enum Status {
  ACTIVE = 1,
  SUSPENDED = 2,
  DELETED = 3
}

struct Page {
  1: i32 offset
  2: i32 limit = 20
}

/** Health answers whether a server is up. */
service Health {
  string ping()
}
